// The auditor's pages in a real browser (Debian's chromium driven by playwright-core from
// scripts/ci-lint-tools.sh browser): `gate log serve` on a log with failing rules and waivers;
// search through the form, a decision's findings and waivers, the in-browser verification (and
// its failure on bytes altered in transit), the dashboard's numbers, Tab reaching every control,
// no console error. Screenshots land in web-screenshots/ of the test's build folder.
#include <filesystem>
#include <functional>
#include <thread>

#include "attest/cosignature.hpp"
#include "server/web/html.hpp"
#include "tests/service/playwright.hpp"
#include "tests/service/running_witness.hpp"
#include "tests/service/service_fixture.hpp"
#include "tests/service/web_fixture.hpp"

namespace gate::server::test {
namespace {

namespace fs = std::filesystem;

// Forwards every GET to the service, passing each answer's body through `change` (path, body):
// what a hostile network, a proxy, or a witness-aware front could do to an auditor's browser.
class RewritingProxy {
 public:
  using Change = std::function<std::string(const std::string& path, std::string body)>;
  RewritingProxy(int upstream, Change change) {
    server_.Get(".*", [upstream, change](const httplib::Request& req, httplib::Response& res) {
      httplib::Client client("127.0.0.1", upstream);
      client.set_read_timeout(10);
      auto answer = client.Get(req.path, req.params, httplib::Headers{});
      if (!answer) {
        res.status = 502;
        return;
      }
      res.status = answer->status;
      for (const char* header : {"Content-Security-Policy", "Location"}) {
        if (answer->has_header(header)) res.set_header(header, answer->get_header_value(header));
      }
      res.set_content(change(req.path, answer->body),
                      answer->get_header_value("Content-Type").c_str());
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~RewritingProxy() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

// One byte of entry `seq`'s envelope changed in transit.
std::string tamper_entry(uint64_t seq, const std::string& path, std::string body) {
  if (path != "/v1/entries/" + std::to_string(seq)) return body;
  auto json = nlohmann::json::parse(body);
  std::string envelope = json["envelope"];
  for (size_t i = envelope.size() / 2; i < envelope.size(); ++i) {
    if (std::isalnum(static_cast<unsigned char>(envelope[i]))) {
      envelope[i] = envelope[i] == 'A' ? 'B' : 'A';
      break;
    }
  }
  json["envelope"] = envelope;
  return json.dump();
}

// The checkpoint of every inclusion proof with a witness's cosignature added.
std::string add_cosignature(const attest::PrivateKey& witness, const std::string& path,
                            std::string body) {
  if (path != "/v1/proof/inclusion") return body;
  auto json = nlohmann::json::parse(body);
  std::string note = json["checkpoint"];
  auto checkpoint = attest::parse_checkpoint(note, "proof");
  json["checkpoint"] =
      note + attest::cosign_checkpoint(checkpoint, witness, "witness.example/w1", 1772359200);
  return json.dump();
}

using WebPages = ServiceTest;

std::vector<uint64_t> seqs(const nlohmann::json& list) { return list.get<std::vector<uint64_t>>(); }

TEST_F(WebPages, AnAuditorSearchesReadsVerifiesAndMeasuresInARealBrowser) {
  std::string why;
  auto playwright_dir = playwright_core(why);
  if (!playwright_dir) GTEST_SKIP() << "no browser test: " << why;

  // Health page witnesses: one real witness that cosigns, one at a port where nothing listens.
  RunningWitness health_witness("witness.example.com/health", origin(), log_key_.public_key(),
                                (dir_ / "health-witness.db").string());
  attest::test::write_key_files(health_witness.key, dir_ / "health-witness");
  attest::PrivateKey absent_witness = attest::PrivateKey::generate(attest::KeyType::ed25519);
  attest::test::write_key_files(absent_witness, dir_ / "absent-witness");
  const std::string absent_url = "http://127.0.0.1:1";
  gate::test::write_file(
      dir_ / "serve.yaml",
      gate::test::read_file(dir_ / "serve.yaml") + "witnesses:\n  - url: " + health_witness.url +
          "\n    key: " + (dir_ / "health-witness.pub").string() + "\n  - url: " + absent_url +
          "\n    key: " + (dir_ / "absent-witness.pub").string() + "\n    timeout: 1\n");

  start();
  auto http = client();
  auto decisions = web_decisions(now());
  for (const auto& decision : decisions) {
    std::string bearer =
        decision.repository == "acme/legacy" ? kProjectToken : token_for(decision.repository);
    auto answer = post(http, web_envelope(signer_, decision), bearer);
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->status, 201) << answer->body;
  }
  // The real witness has cosigned the whole log before the page is looked at.
  bool cosigned_all = false;
  for (int i = 0; i < 200 && !cosigned_all; ++i) {
    auto status = http.Get("/v1/witnesses");
    cosigned_all = status && nlohmann::json::parse(status->body)["witnesses"][0]["cosigned_size"] ==
                                 decisions.size();
    if (!cosigned_all) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(cosigned_all) << "the health witness never cosigned size " << decisions.size();
  RewritingProxy tampering(service_->port(), [](const std::string& path, std::string body) {
    return tamper_entry(3, path, std::move(body));
  });
  auto witness = attest::PrivateKey::generate(attest::KeyType::ed25519);
  RewritingProxy cosigning(service_->port(), [&witness](const std::string& path, std::string body) {
    return add_cosignature(witness, path, std::move(body));
  });

  fs::path shots = fs::current_path() / "web-screenshots";
  fs::create_directories(shots);
  std::string head3 = attest::test::commit_id(decisions[3].n).substr(0, 8);
  nlohmann::json plan = {
      {"playwright", playwright_dir->string()},
      {"chromium", "/usr/bin/chromium"},
      {"base", service_->url()},
      {"tamperBase", tampering.url()},
      {"cosignBase", cosigning.url()},
      {"witnessKey", witness.public_key().pem()},
      {"decisionKey", signer_.public_key().pem()},
      {"otherDecisionKey",
       attest::PrivateKey::generate(attest::KeyType::ecdsa_p256).public_key().pem()},
      {"screenshots", shots.string()},
      {"logKey", log_key_.public_key().pem()},
      {"otherKey", attest::PrivateKey::generate(attest::KeyType::ed25519).public_key().pem()},
      {"hostileRepository", kHostileRepository},
      {"decisionSeq", 1},
      {"tamperSeq", 3},
      {"searches",
       {{{"name", "repository"}, {"fields", {{"repository", "acme/app"}}}},
        {{"name", "failed no-secrets"}, {"fields", {{"verdict", "fail"}, {"rule", "no-secrets"}}}},
        {{"name", "commit"}, {"fields", {{"commit", head3}}}},
        {{"name", "identity"}, {"fields", {{"identity", "legacy"}}}},
        {{"name", "actor"}, {"fields", {{"actor", "bob"}}}},
        {{"name", "time range"}, {"fields", {{"since", "2026-03-02"}, {"until", "2026-03-03"}}}},
        {{"name", "pass in range"},
         {"fields", {{"verdict", "pass"}, {"since", "2026-03-02"}, {"until", "2026-03-04"}}}}}}};
  gate::test::write_file(dir_ / "plan.json", plan.dump());
  auto started = std::chrono::steady_clock::now();
  auto r = gate::test::run({"timeout", "90", "node",
                            std::string(GATE_SOURCE_DIR) + "/tests/service/browser/check_pages.js",
                            (dir_ / "plan.json").string()});
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cerr << "browser checks took " << seconds << " s\n";
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto seen = nlohmann::json::parse(r.out);

  using V = std::vector<uint64_t>;
  EXPECT_EQ(seqs(seen["searches"]["repository"]), (V{0, 1, 2}));
  EXPECT_EQ(seqs(seen["searches"]["failed no-secrets"]), (V{0, 2, 5}));
  EXPECT_EQ(seqs(seen["searches"]["commit"]), (V{3}));
  EXPECT_EQ(seqs(seen["searches"]["identity"]), (V{6}));
  EXPECT_EQ(seqs(seen["searches"]["actor"]), (V{3, 4}));
  EXPECT_EQ(seqs(seen["searches"]["time range"]), (V{2, 3, 4, 5}));
  EXPECT_EQ(seqs(seen["searches"]["pass in range"]), (V{4, 6}));
  EXPECT_EQ(seqs(seen["page1"]), (V{0, 1}));
  EXPECT_EQ(seqs(seen["page2"]), (V{2, 3}));
  EXPECT_EQ(seen["hostileCell"], kHostileRepository);  // shown as text, never run
  EXPECT_EQ(seen["hostileScripts"], 0);

  // Entry 1: PR 1 passing with its waiver of no-secrets.
  const auto& rules = seen["decision"]["rules"];
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0], (nlohmann::json{"no-secrets", "no-secrets", "error", "pass", "0", "1"}));
  const auto& waivers = seen["decision"]["waivers"];
  ASSERT_EQ(waivers.size(), 1u);
  EXPECT_EQ(waivers[0][0], "no-secrets");
  EXPECT_EQ(waivers[0][2], "test fixture key, not a secret");
  EXPECT_EQ(waivers[0][3], "carol");
  EXPECT_EQ(waivers[0][4], decisions[1].waivers[0]["expires"]);
  EXPECT_EQ(seen["decision"]["runLink"], "https://github.com/acme/app/actions/runs/101");

  EXPECT_EQ(seen["verified"]["outcome"], "pass") << seen["verified"]["text"];
  EXPECT_NE(seen["verified"]["text"].get<std::string>().find("verdict pass"), std::string::npos);
  EXPECT_NE(seen["verified"]["text"].get<std::string>().find("The pinned decision key signed it."),
            std::string::npos)
      << seen["verified"]["text"];
  EXPECT_EQ(seen["wrongDecisionKey"]["outcome"], "fail");
  EXPECT_NE(seen["wrongDecisionKey"]["text"].get<std::string>().find(
                "no signature on the envelope verifies under the pinned decision key"),
            std::string::npos)
      << seen["wrongDecisionKey"]["text"];
  EXPECT_EQ(seen["tampered"]["outcome"], "fail") << seen["tampered"]["text"];
  EXPECT_NE(seen["tampered"]["text"].get<std::string>().find("not the bytes the log holds"),
            std::string::npos)
      << seen["tampered"]["text"];
  EXPECT_EQ(seen["wrongKey"]["outcome"], "fail");
  EXPECT_NE(seen["wrongKey"]["text"].get<std::string>().find("no signature by the pinned key"),
            std::string::npos)
      << seen["wrongKey"]["text"];

  EXPECT_EQ(seen["witnessed"]["outcome"], "pass") << seen["witnessed"]["text"];
  EXPECT_NE(seen["witnessed"]["text"].get<std::string>().find(
                "Cosigned by the pinned witnesses: witness.example/w1 at 2026-03-01T10:00:00.000Z"),
            std::string::npos)
      << seen["witnessed"]["text"];
  EXPECT_EQ(seen["unwitnessed"]["outcome"], "fail");
  EXPECT_NE(seen["unwitnessed"]["text"].get<std::string>().find(
                "pinned witness key 1 has not cosigned this checkpoint"),
            std::string::npos)
      << seen["unwitnessed"]["text"];

  EXPECT_EQ(seen["health"]["size"], "7 entries");
  EXPECT_EQ(seen["health"]["origin"], origin());
  // The witnesses table: who, what each last cosigned, or that one never did.
  const auto& witness_rows = seen["health"]["witnesses"];
  ASSERT_EQ(witness_rows.size(), 2u) << witness_rows;
  std::string key_hash = attest::to_hex(
      attest::cosignature_key_hash(health_witness.name, health_witness.key.public_key()));
  EXPECT_EQ(witness_rows[0][0], health_witness.url);
  EXPECT_EQ(witness_rows[0][1], health_witness.name);
  EXPECT_EQ(witness_rows[0][2], "key id " + health_witness.key.public_key().key_id().substr(0, 16) +
                                    ", key hash " + key_hash);
  EXPECT_EQ(witness_rows[0][3], "cosigned");
  EXPECT_EQ(witness_rows[0][4].get<std::string>().substr(0, 10), "size 7 at ") << witness_rows[0];
  EXPECT_NE(witness_rows[0][5], "—");
  EXPECT_EQ(witness_rows[0][6], "—");
  EXPECT_EQ(witness_rows[1][0], absent_url);
  EXPECT_EQ(witness_rows[1][1], "—");
  EXPECT_EQ(witness_rows[1][2], "key id " + absent_witness.public_key().key_id().substr(0, 16));
  EXPECT_EQ(witness_rows[1][4], "never cosigned");
  EXPECT_EQ(witness_rows[1][5], "—");
  EXPECT_NE(witness_rows[1][6], "—");  // why it has not: its last error

  const auto& dashboard = seen["dashboard"];
  EXPECT_EQ(dashboard["failingRules"],
            (nlohmann::json{{"no-secrets", 3}, {"license", 1}, {"small-files", 1}}));
  EXPECT_EQ(dashboard["failingRulesLabels"], (nlohmann::json{"3", "1", "1"}));
  EXPECT_EQ(dashboard["perIdentity"],
            (nlohmann::json{{"repo:acme/app:ref:refs/heads/main", 3},
                            {"repo:acme/lib:ref:refs/heads/main", 2},
                            {std::string("repo:") + kHostileRepository + ":ref:refs/heads/main", 1},
                            {"legacy", 1}}));
  EXPECT_EQ(dashboard["passFail"]["acme/app"],
            (nlohmann::json{{"2026-03-01", {1, 1}}, {"2026-03-02", {0, 1}}}));
  EXPECT_EQ(dashboard["passFail"]["acme/lib"],
            (nlohmann::json{{"2026-03-02", {0, 1}}, {"2026-03-03", {1, 0}}}));
  EXPECT_EQ(dashboard["blocked"],
            (nlohmann::json{"acme/app #2", std::string(kHostileRepository) + " #9"}));
  EXPECT_EQ(dashboard["waiverCounts"], "2 active, 1 expiring in the next 30 days.");
  EXPECT_EQ(dashboard["median"], "Median 13h 0m over 2 changes.");

  // The Inventory page: each item once, with the latest decision that named it.
  const auto& inventory = seen["inventory"];
  std::string hostile = kHostileRepository;
  EXPECT_EQ(
      inventory["all"],
      (nlohmann::json{
          {hostile, "dataset", "data/<img src=x onerror=alert(1)>.csv", 5, "fail",
           "2026-03-03T11:00:00Z"},
          {"acme/app", "dataset", "data/users.csv", 1, "pass", "2026-03-01T12:00:00Z"},
          {"acme/app", "model", "models/ranker.onnx", 1, "pass", "2026-03-01T12:00:00Z"},
          {"acme/lib", "model", "models/lib.safetensors", 3, "fail", "2026-03-02T10:00:00Z"}}))
      << inventory["all"];
  EXPECT_EQ(inventory["scripts"], 0);  // the hostile path is text, not an element
  EXPECT_EQ(inventory["models"].size(), 2u) << inventory["models"];
  EXPECT_EQ(inventory["followed"], "/ui/entries/1");
  EXPECT_GT(fs::file_size(shots / "inventory.png"), 1000u);

  for (const auto& [name, missed] : seen["keyboard"].items()) {
    EXPECT_TRUE(missed.empty()) << name << ": Tab never reaches " << missed;
  }
  EXPECT_TRUE(seen["consoleErrors"].empty()) << seen["consoleErrors"];
  for (const char* shot :
       {"search", "decision", "verify-pass", "verify-tampered", "health", "dashboard"}) {
    EXPECT_GT(fs::file_size(shots / (std::string(shot) + ".png")), 1000u) << shot;
  }
  EXPECT_LT(seconds, 60.0);
}

// Without a browser: the exports of a search, the refusals, the headers that keep a page's text
// from running, and that /ui offers no write.
TEST_F(WebPages, ExportsRefusalsAndHeadersOverHttp) {
  start();
  auto http = client();
  auto decisions = web_decisions(now());
  for (const auto& decision : decisions) {
    std::string bearer =
        decision.repository == "acme/legacy" ? kProjectToken : token_for(decision.repository);
    auto answer = post(http, web_envelope(signer_, decision), bearer);
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->status, 201) << answer->body;
  }
  auto csv = http.Get("/ui/search.csv?verdict=fail&limit=1&page_token=0.0");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  // Every page of the search, whatever the page's limit and token: 4 failures and the header.
  std::vector<std::string> lines;
  for (size_t at = 0, end; (end = csv->body.find("\r\n", at)) != std::string::npos; at = end + 2)
    lines.push_back(csv->body.substr(at, end - at));
  ASSERT_EQ(lines.size(), 5u) << csv->body;
  EXPECT_EQ(lines[1].substr(0, 2), "0,");
  EXPECT_EQ(lines[4].substr(0, 2), "5,");
  EXPECT_NE(lines[4].find(kHostileRepository), std::string::npos);

  auto json = http.Get("/ui/search.json?repository=acme%2Flib");
  ASSERT_TRUE(json);
  auto exported = nlohmann::json::parse(json->body);
  ASSERT_EQ(exported["entries"].size(), 2u);
  EXPECT_EQ(exported["entries"][0]["identity"]["subject"], "repo:acme/lib:ref:refs/heads/main");

  auto search = http.Get("/ui/?repository=" + web::url_encode(kHostileRepository));
  ASSERT_TRUE(search);
  EXPECT_EQ(search->status, 200);
  EXPECT_EQ(search->body.find("<script>alert"), std::string::npos);
  EXPECT_NE(search->body.find("acme/&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(search->get_header_value("Content-Security-Policy").find("script-src 'self'"),
            std::string::npos);

  auto bad = http.Get("/ui/?commit=zz");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("&#39;commit&#39; must be 4 or more lowercase hex digits"),
            std::string::npos);
  EXPECT_NE(bad->body.find("<form"), std::string::npos);  // the form stays to correct it

  auto missing = http.Get("/ui/entries/99");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(missing->body.find("no entry 99"), std::string::npos);

  auto write = http.Post("/ui/", "x", "text/plain");
  ASSERT_TRUE(write);
  EXPECT_EQ(write->status, 404);
  // The dashboard reads the log once, then only what was appended since.
  auto before = http.Get("/ui/dashboard");
  ASSERT_TRUE(before);
  EXPECT_NE(before->body.find("7 decisions: 3 pass, 4 fail."), std::string::npos);
  WebDecision another = decisions[2];
  another.verdict = "pass";
  another.failed_rules.clear();
  another.time = "2026-03-05T09:00:00Z";
  another.n = 200;
  auto appended = post(http, web_envelope(signer_, another), token_for("acme/app"));
  ASSERT_TRUE(appended);
  ASSERT_EQ(appended->status, 201);
  auto after = http.Get("/ui/dashboard");
  ASSERT_TRUE(after);
  EXPECT_NE(after->body.find("8 decisions: 4 pass, 4 fail."), std::string::npos);
  EXPECT_NE(after->body.find("Median 1d 0h over 3 changes."), std::string::npos);  // PR 2 passed

  // The Inventory page shares the dashboard's reading of the log: it sees the entries appended
  // since, and refuses a kind it does not know.
  auto inventory = http.Get("/ui/inventory?kind=model");
  ASSERT_TRUE(inventory);
  EXPECT_EQ(inventory->status, 200);
  EXPECT_NE(inventory->get_header_value("Content-Security-Policy").find("default-src 'none'"),
            std::string::npos);
  EXPECT_NE(inventory->body.find("<p id=\"item-count\">2 items.</p>"), std::string::npos);
  WebDecision retrained = another;
  retrained.n = 201;
  retrained.time = "2026-03-06T09:00:00Z";
  retrained.inventory =
      nlohmann::json::array({inventory_item("model", "models/ranker.onnx", "mit")});
  auto posted = post(http, web_envelope(signer_, retrained), token_for("acme/app"));
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 201);
  inventory = http.Get("/ui/inventory?repository=acme%2Fapp&kind=model");
  ASSERT_TRUE(inventory);
  EXPECT_NE(inventory->body.find("data-path=\"models/ranker.onnx\" data-seq=\"8\""),
            std::string::npos)
      << inventory->body;
  EXPECT_NE(inventory->body.find("<td>mit</td>"), std::string::npos);
  auto bad_kind = http.Get("/ui/inventory?kind=%3Cb%3E");
  ASSERT_TRUE(bad_kind);
  EXPECT_EQ(bad_kind->status, 400);
  EXPECT_NE(bad_kind->body.find("&#39;kind&#39; must be dataset or model"), std::string::npos);

  auto script = http.Get("/ui/verify.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_NE(script->body.find("crypto.subtle.verify"), std::string::npos);
}

}  // namespace
}  // namespace gate::server::test
