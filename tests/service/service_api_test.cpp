// `gate log serve` on 127.0.0.1: append with a CI identity, read back with proofs checked here,
// query, export, metrics and a clean stop.
#include <set>
#include <sstream>

#include "attest/log_store.hpp"
#include "attest/log_verify.hpp"
#include "tests/service/pull_request_search.hpp"
#include "tests/service/service_fixture.hpp"

namespace gate::server::test {
namespace {

TEST_F(ServiceTest, AppendAnswersWithAProofTheClientChecksAndTheEntryReadsBack) {
  start();
  auto http = client();
  std::string body = envelope("acme/app", 1);
  auto res = post(http, body, token_for("acme/app"));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  auto answer = nlohmann::json::parse(res->body);
  EXPECT_EQ(answer["seq"], 0);
  expect_proven(answer, body);
  EXPECT_EQ(answer["identity"]["repository"], "acme/app");
  EXPECT_EQ(answer["identity"]["run_id"], "4242");

  auto entry = http.Get("/v1/entries/0");
  ASSERT_TRUE(entry);
  ASSERT_EQ(entry->status, 200);
  auto read = nlohmann::json::parse(entry->body);
  EXPECT_EQ(read["envelope"], body);  // the exact bytes, so the leaf hash recomputes
  EXPECT_EQ(read["identity"]["workflow_ref"],
            "acme/app/.github/workflows/gate.yml@refs/heads/main");
  EXPECT_EQ(read["identity"]["actor"], "octocat");

  auto checkpoint = http.Get("/v1/checkpoint");
  ASSERT_EQ(checkpoint->status, 200);
  EXPECT_EQ(checkpoint->body, answer["checkpoint"]);
}

TEST_F(ServiceTest, ProofsFromTheReadEndpointsVerifyAgainstSignedCheckpoints) {
  start();
  auto http = client();
  std::vector<nlohmann::json> answers;
  for (uint64_t i = 0; i < 7; ++i) {
    auto res = post(http, envelope("acme/app", i), token_for("acme/app"));
    ASSERT_EQ(res->status, 201) << res->body;
    answers.push_back(nlohmann::json::parse(res->body));
  }
  auto inclusion = http.Get("/v1/proof/inclusion?seq=2");
  ASSERT_EQ(inclusion->status, 200) << inclusion->body;
  auto proof = nlohmann::json::parse(inclusion->body);
  EXPECT_EQ(proof["tree_size"], 7);
  std::vector<std::string> path;
  for (const auto& hex : proof["proof"]) path.push_back(*attest::from_hex(hex.get<std::string>()));
  EXPECT_FALSE(attest::merkle::verify_inclusion(
      2, 7, *attest::from_hex(proof["leaf_hash"].get<std::string>()), path,
      *attest::from_hex(proof["root"].get<std::string>())));
  // Every checkpoint a client was given is extended by the latest: no fork.
  for (const auto& answer : answers) {
    uint64_t size = answer["tree_size"];
    auto res = http.Get("/v1/proof/consistency?old=" + std::to_string(size) + "&new=7");
    ASSERT_EQ(res->status, 200) << res->body;
    auto consistency = nlohmann::json::parse(res->body);
    std::vector<std::string> hashes;
    for (const auto& hex : consistency["proof"])
      hashes.push_back(*attest::from_hex(hex.get<std::string>()));
    EXPECT_EQ(consistency["old_root"], answer["root"]);
    EXPECT_FALSE(attest::merkle::verify_consistency(
        size, 7, hashes, *attest::from_hex(answer["root"].get<std::string>()),
        *attest::from_hex(consistency["new_root"].get<std::string>())));
  }
}

TEST_F(ServiceTest, QueriesFilterByDecisionAndIdentityAndPageWithoutRepeats) {
  start();
  auto http = client();
  for (uint64_t i = 0; i < 9; ++i) {
    ASSERT_EQ(post(http, envelope("acme/app", i), token_for("acme/app"))->status, 201);
  }
  for (uint64_t i = 9; i < 12; ++i) {
    ASSERT_EQ(post(http, envelope("acme/legacy", i), kProjectToken)->status, 201);
  }
  auto get = [&](const std::string& query) {
    auto res = http.Get("/v1/entries?" + query);
    EXPECT_EQ(res->status, 200) << res->body;
    return nlohmann::json::parse(res->body);
  };
  EXPECT_EQ(get("repository=acme/legacy")["entries"].size(), 3u);
  EXPECT_EQ(get("verdict=fail")["entries"].size(), 4u);  // 0, 3, 6, 9
  EXPECT_EQ(get("rule=no-secrets&repository=acme/app")["entries"].size(), 3u);
  EXPECT_EQ(get("identity=legacy")["entries"].size(), 3u);
  EXPECT_EQ(get("identity=acme/app&verdict=pass")["entries"].size(), 6u);
  EXPECT_EQ(get("commit=" + attest::test::commit_id(4).substr(0, 8))["entries"][0]["seq"], 4);

  std::set<uint64_t> seen;
  std::string token;
  int pages = 0;
  do {
    auto page = get("limit=5" + (token.empty() ? "" : "&page_token=" + token));
    for (const auto& entry : page["entries"])
      EXPECT_TRUE(seen.insert(entry["seq"].get<uint64_t>()).second);
    token = page.value("next_page_token", "");
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(seen.size(), 12u);
  EXPECT_EQ(pages, 3);
}

TEST_F(ServiceTest, APullRequestFilterFindsItsDecisionsInTheApiThePageAndTheExports) {
  start();
  auto http = client();
  expect_pull_request_search(http, signer_, now(), [&](const auto& repository, const auto& body) {
    auto res = post(http, body, token_for(repository));
    return res ? res->status : 0;
  });
}

TEST_F(ServiceTest, ExportStreamsEveryEntryThenTheCheckpoint) {
  start();
  auto http = client();
  for (uint64_t i = 0; i < 5; ++i) post(http, envelope("acme/app", i), token_for("acme/app"));
  auto res = http.Get("/v1/export");
  ASSERT_EQ(res->status, 200);
  std::istringstream lines(res->body);
  std::string line;
  std::vector<nlohmann::json> rows;
  while (std::getline(lines, line)) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), 6u);
  for (uint64_t i = 0; i < 5; ++i) {
    EXPECT_EQ(rows[i]["seq"], i);
    EXPECT_EQ(rows[i]["leaf_hash"],
              attest::to_hex(attest::merkle::leaf_hash(rows[i]["envelope"].get<std::string>())));
    EXPECT_EQ(rows[i]["identity"]["repository"], "acme/app");
  }
  EXPECT_TRUE(rows[5].contains("checkpoint"));
}

TEST_F(ServiceTest, HealthAndMetricsSpeakPrometheusText) {
  start();
  auto http = client();
  for (uint64_t i = 0; i < 3; ++i) post(http, envelope("acme/app", i), token_for("acme/app"));
  post(http, "{}", token_for("acme/app"));
  auto health = http.Get("/healthz");
  ASSERT_EQ(health->status, 200);
  EXPECT_EQ(nlohmann::json::parse(health->body)["size"], 3);
  auto metrics = http.Get("/metrics");
  ASSERT_EQ(metrics->status, 200);
  EXPECT_NE(
      metrics->body.find("gate_log_requests_total{route=\"POST /v1/entries\",status=\"201\"} 3"),
      std::string::npos)
      << metrics->body;
  EXPECT_NE(
      metrics->body.find("gate_log_requests_total{route=\"POST /v1/entries\",status=\"400\"} 1"),
      std::string::npos);
  EXPECT_NE(metrics->body.find("gate_log_append_seconds_count 3"), std::string::npos);
  EXPECT_NE(metrics->body.find("gate_log_entries 3"), std::string::npos);
}

TEST_F(ServiceTest, SigtermStopsCleanlyAndTheLogVerifies) {
  start();
  auto http = client();
  for (uint64_t i = 0; i < 4; ++i) post(http, envelope("acme/app", i), token_for("acme/app"));
  service_->send(SIGTERM);
  int status = service_->wait(15);
  ASSERT_NE(status, -1) << "still running 15 s after SIGTERM";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << service_->err();
  EXPECT_NE(service_->err().find("stopped; 4 entries"), std::string::npos) << service_->err();
  auto verified = gate::test::run_gate({"log", "--log", store(), "verify", "--trust",
                                        (dir_ / "decision.pub").string(), "--log-pub",
                                        (dir_ / "log.pub").string()});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

TEST_F(ServiceTest, MissingSettingsAreExitCodeTwoNamingTheFix) {
  auto result = gate::test::run_gate({"log", "serve", "--store", store(), "--origin", origin()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("needs --log-key"), std::string::npos) << result.err;
  gate::test::write_file(dir_ / "bad.yaml", "store: x\nlisten_on: 1\n");
  result = gate::test::run_gate({"log", "serve", "--config", (dir_ / "bad.yaml").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("bad.yaml:2:1: unknown setting 'listen_on'"), std::string::npos)
      << result.err;
}

}  // namespace
}  // namespace gate::server::test
