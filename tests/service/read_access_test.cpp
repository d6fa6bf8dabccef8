// Read access of `gate log serve` (docs/audit-service.md, "Read access"): with read_tokens
// configured every read needs a read token (Bearer, or Basic with the token as password, as a
// browser's login prompt sends it) or a credential that may append; appends stay governed by the
// write credentials alone; the remote client reads with GATE_LOG_TOKEN; bad settings are exit 2
// naming the file and line; hostile Authorization headers are refused with a reason.
#include <gmock/gmock.h>

#include "attest/bytes.hpp"
#include "server/read_access.hpp"
#include "tests/service/playwright.hpp"
#include "tests/service/remote_fixture.hpp"
#include "tests/service/service_fixture.hpp"

namespace gate::server::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kReadToken = "gate-read-token-auditors-0123456789";
constexpr const char* kOtherReadToken = "gate-read-token-prometheus-987654";

std::string hash_of(const std::string& token) { return attest::to_hex(attest::sha256(token)); }

std::string basic(const std::string& user, const std::string& password) {
  return "Basic " + attest::base64_encode(user + ":" + password);
}

// Every WWW-Authenticate line of an answer, in order.
std::vector<std::string> challenges(const httplib::Result& res) {
  std::vector<std::string> out;
  auto range = res->headers.equal_range("WWW-Authenticate");
  for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
  return out;
}

TEST(ReadAccessHeader, BearerAndBasicPresentTheTokenInAnyCaseOfTheScheme) {
  std::string problem;
  EXPECT_EQ(presented_secret("Bearer abc", problem), "abc");
  EXPECT_EQ(presented_secret("bearer  abc ", problem), "abc");
  EXPECT_EQ(presented_secret(basic("auditor", "s3cret"), problem), "s3cret");
  EXPECT_EQ(presented_secret("BASIC " + attest::base64_encode("x:a:b"), problem), "a:b");
  EXPECT_EQ(presented_secret(basic("", "tok"), problem), "tok");  // the user name is not looked at
}

TEST(ReadAccessHeader, HostileHeadersAreRefusedWithTheReason) {
  struct Case {
    std::string header;
    std::string says;
  };
  std::vector<Case> cases = {
      {"", "no credential"},
      {"Bearer " + std::string(kMaxAuthorizationBytes, 'a'), "is over 8192 bytes"},
      {"Basic " + std::string(kMaxAuthorizationBytes * 4, 'Q'), "is over 8192 bytes"},
      {"Bearer", "neither Bearer nor Basic"},
      {"Bearer ", "empty or has a space or control byte"},
      {"Bearer    ", "empty or has a space or control byte"},
      {"Bearer a b", "empty or has a space or control byte"},
      {"Bearertoken", "neither Bearer nor Basic"},
      {"Basic !!!!", "not base64"},
      {"Basic YWJj", "no ':' between user and password"},  // "abc"
      {"Basic YWJjZA", "not base64"},                      // unpadded
      {"Basic YW Jj", "not base64"},
      {"Basic " + attest::base64_encode("no-colon-here"), "no ':' between user and password"},
      {"Basic " + attest::base64_encode("user:"), "empty password"},
      {"Basic " + attest::base64_encode(std::string("\0\0:", 3)), "empty password"},
      {"Digest username=\"a\"", "neither Bearer nor Basic"},
      {std::string("Bearer \0abc", 11), "empty or has a space or control byte"},
      {"Bearer tok\x7f", "empty or has a space or control byte"},
  };
  for (const auto& c : cases) {
    std::string problem;
    auto secret = presented_secret(c.header, problem);
    EXPECT_FALSE(secret.has_value()) << c.header.substr(0, 40) << " gave " << secret.value_or("");
    EXPECT_THAT(problem, HasSubstr(c.says)) << c.header.substr(0, 40);
  }
}

TEST(ReadAccessHeader, OnlyConfiguredTokensAndWritersRead) {
  std::vector<ReadToken> tokens = {{"auditors", hash_of(kReadToken)}};
  StaticToken writer{"ci", hash_of("writer-token"), {"acme/*"}};
  ReadAccess with_writers(tokens, Authenticator({}, {writer}));
  EXPECT_FALSE(with_writers.refusal("Bearer " + std::string(kReadToken), 0).has_value());
  EXPECT_FALSE(with_writers.refusal(basic("me", kReadToken), 0).has_value());
  EXPECT_FALSE(with_writers.refusal("Bearer writer-token", 0).has_value());  // may append: may read
  auto unknown = with_writers.refusal("Bearer " + std::string(kReadToken) + "x", 0);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 401);
  EXPECT_EQ(unknown->code, "bad_token");
  auto missing = with_writers.refusal("", 0);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->code, "missing_token");
  // A service open to writers (no issuer, no token) lets anyone append; that must not let
  // anyone read once read tokens are set.
  ReadAccess open_writers(tokens, Authenticator());
  EXPECT_TRUE(open_writers.refusal("Bearer anything", 0).has_value());
  EXPECT_FALSE(open_writers.refusal("Bearer " + std::string(kReadToken), 0).has_value());
  EXPECT_FALSE(ReadAccess().refusal("", 0).has_value());  // no read token: open
}

// The service fixture's settings with two read tokens.
class ReadAccessTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    std::string config = gate::test::read_file(dir_ / "serve.yaml");
    gate::test::write_file(dir_ / "other.sha256", hash_of(kOtherReadToken) + "  -\n");
    gate::test::write_file(
        dir_ / "serve.yaml",
        config + "read_tokens:\n  - name: auditors\n    sha256: " + hash_of(kReadToken) +
            "\n  - name: prometheus\n    sha256_file: " + (dir_ / "other.sha256").string() + "\n");
  }
  static httplib::Headers bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }
  static httplib::Headers as_browser(const std::string& password) {
    return {{"Authorization", basic("auditor", password)}};
  }
  void append_one(httplib::Client& http) {
    auto res = post(http, envelope("acme/app", 1), token_for("acme/app"));
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 201) << res->body;
  }
};

TEST_F(ReadAccessTest, AReadWithoutATokenIsRefusedWithTheChallengeOfItsKind) {
  start();
  auto http = client();
  append_one(http);
  for (const char* path : {"/v1/checkpoint", "/v1/entries", "/v1/entries/0", "/v1/export",
                           "/v1/proof/inclusion?seq=0", "/v1/witnesses", "/metrics", "/nowhere"}) {
    auto res = http.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 401) << path;
    EXPECT_EQ(challenges(res),
              (std::vector<std::string>{"Bearer realm=\"gate audit log\"",
                                        "Basic realm=\"gate audit log\", charset=\"UTF-8\""}))
        << path;
    auto body = nlohmann::json::parse(res->body);
    EXPECT_EQ(body["error"], "missing_token") << path;
  }
  for (const char* path : {"/ui/", "/ui", "/ui/health", "/ui/entries/0", "/ui/dashboard",
                           "/ui/search.csv", "/ui/search.json"}) {
    auto res = http.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 401) << path;
    EXPECT_EQ(challenges(res),
              (std::vector<std::string>{"Basic realm=\"gate audit log\", charset=\"UTF-8\""}))
        << path;
    EXPECT_THAT(res->body, HasSubstr("no credential")) << path;
    EXPECT_THAT(res->body, Not(HasSubstr("acme/app"))) << path;
  }
  // Open whatever the settings: liveness, and the verification script (no log data).
  auto health = http.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto script = http.Get("/ui/verify.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_THAT(service_->err(), Not(HasSubstr("warning: no read_tokens")));
}

TEST_F(ReadAccessTest, AWrongTokenIsRefusedAndTheRightOneReadsEverything) {
  start();
  auto http = client();
  append_one(http);
  for (const auto& headers : {bearer("not-a-read-token"), bearer(std::string(kReadToken) + "x"),
                              as_browser("wrong"), bearer(std::string(kReadToken).substr(1))}) {
    auto res = http.Get("/v1/entries", headers);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
    EXPECT_EQ(nlohmann::json::parse(res->body)["error"], "bad_token");
    auto page = http.Get("/ui/health", headers);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 401);
  }
  for (const char* token : {kReadToken, kOtherReadToken}) {
    for (const char* path : {"/v1/checkpoint", "/v1/entries?repository=acme%2Fapp", "/v1/entries/0",
                             "/v1/export", "/v1/proof/consistency?old=1", "/v1/witnesses",
                             "/metrics", "/ui/search.csv", "/ui/health"}) {
      auto res = http.Get(path, bearer(token));
      ASSERT_TRUE(res) << path;
      EXPECT_EQ(res->status, 200) << path << " " << res->body;
    }
  }
  // A browser sends the login prompt's answer as Basic.
  for (const char* path : {"/ui/", "/ui/health", "/ui/entries/0", "/ui/dashboard", "/v1/entries"}) {
    auto res = http.Get(path, as_browser(kReadToken));
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
  }
  auto search = http.Get("/ui/", as_browser(kReadToken));
  EXPECT_THAT(search->body, HasSubstr("acme/app"));
}

TEST_F(ReadAccessTest, AppendsAreGovernedByTheWriteCredentialsAlone) {
  start();
  auto http = client();
  // A read token is no append credential.
  auto refused = post(http, envelope("acme/app", 1), kReadToken);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401) << refused->body;
  EXPECT_EQ(nlohmann::json::parse(refused->body)["error"], "bad_token");
  auto none = post(http, envelope("acme/app", 1), "");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  // The write credentials append as before, and may read: the project token and an OIDC job.
  auto legacy = post(http, envelope("acme/legacy", 2), kProjectToken);
  ASSERT_TRUE(legacy);
  EXPECT_EQ(legacy->status, 201) << legacy->body;
  append_one(http);
  for (const auto& token : {std::string(kProjectToken), token_for("acme/app")}) {
    auto res = http.Get("/v1/entries", bearer(token));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(nlohmann::json::parse(res->body)["entries"].size(), 2u);
  }
  // An ID token no allow rule admits may neither append nor read.
  std::string stranger = token_for("evil/app");
  auto read = http.Get("/v1/entries", bearer(stranger));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 401);
  EXPECT_THAT(read->body, HasSubstr("the ID token may not read"));
}

// In Debian's chromium: the native login prompt's answer opens the pages, and the in-browser
// verification's fetches of /v1/ are answered from the same login.
TEST_F(ReadAccessTest, ABrowserLogsInWithTheReadTokenAndVerifiesInThePage) {
  std::string why;
  auto playwright = playwright_core(why);
  if (!playwright) GTEST_SKIP() << "no browser test: " << why;
  start();
  auto http = client();
  append_one(http);
  std::filesystem::path shots = std::filesystem::current_path() / "web-screenshots";
  std::filesystem::create_directories(shots);
  nlohmann::json plan = {{"playwright", playwright->string()},
                         {"chromium", "/usr/bin/chromium"},
                         {"base", service_->url()},
                         {"readToken", kReadToken},
                         {"logKey", log_key_.public_key().pem()},
                         {"decisionSeq", 0},
                         {"screenshots", shots.string()}};
  gate::test::write_file(dir_ / "plan.json", plan.dump());
  auto r =
      gate::test::run({"timeout", "90", "node",
                       std::string(GATE_SOURCE_DIR) + "/tests/service/browser/check_read_access.js",
                       (dir_ / "plan.json").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto seen = nlohmann::json::parse(r.out);
  EXPECT_EQ(seen["anonymous"]["status"], 401);
  EXPECT_EQ(seen["anonymous"]["challenge"], "Basic realm=\"gate audit log\", charset=\"UTF-8\"");
  if (seen["wrong"].contains("status")) {
    EXPECT_EQ(seen["wrong"]["status"], 401);
  } else {
    EXPECT_THAT(seen["wrong"]["error"].get<std::string>(),
                HasSubstr("ERR_INVALID_AUTH_CREDENTIALS"));
  }
  EXPECT_EQ(seen["login"]["status"], 200);
  EXPECT_EQ(seen["login"]["size"], "1 entries");
  EXPECT_EQ(seen["verified"]["outcome"], "pass") << seen["verified"]["text"];
  EXPECT_TRUE(seen["consoleErrors"].empty()) << seen["consoleErrors"];
}

TEST_F(ServiceTest, ListeningBeyondLoopbackWithoutReadTokensWarns) {
  start();  // 127.0.0.1: no warning
  EXPECT_THAT(service_->err(), Not(HasSubstr("no read_tokens")));
  // Every interface, as a container listens: warned before anything is opened. The log key is
  // missing, so this one stops there (exit 2) and never listens.
  auto result = gate::test::run({"timeout", "20", GATE_BINARY, "log", "serve", "--config",
                                 (dir_ / "serve.yaml").string(), "--log-key",
                                 (dir_ / "no-such.key").string(), "--listen", ":0"});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_THAT(result.err,
              HasSubstr("warning: no read_tokens configured and listening on 0.0.0.0, not "
                        "loopback: anyone who reaches this port may read the whole log"));
  EXPECT_THAT(result.err, Not(HasSubstr("serving")));
}

TEST_F(ServiceTest, BadReadTokenSettingsAreExitTwoNamingFileAndLine) {
  std::string base = gate::test::read_file(dir_ / "serve.yaml");
  const auto n = static_cast<int>(std::count(base.begin(), base.end(), '\n'));
  auto at = [&](int line, int column) {
    return ":" + std::to_string(n + line) + ":" + std::to_string(column) + ": ";
  };
  gate::test::write_file(dir_ / "not-hex.sha256", "the token itself\n");
  std::string file = (dir_ / "serve.yaml").string();
  struct Case {
    std::string yaml;
    std::string where;
    std::string says;
  };
  std::vector<Case> cases = {
      {"read_tokens: []\n", at(1, 14), "'read_tokens' must be a list"},
      {"read_tokens: abc\n", at(1, 14), "'read_tokens' must be a list"},
      {"read_tokens:\n  - name: a\n", at(2, 5), "exactly one of 'sha256' and 'sha256_file'"},
      {"read_tokens:\n  - sha256: " + hash_of("x") + "\n", at(2, 5), "needs 'name'"},
      {"read_tokens:\n  - name: a\n    sha256: \"\"\n", at(3, 13), "64 lowercase hex digits"},
      {"read_tokens:\n  - name: a\n    sha256: " + std::string(kReadToken) + "\n", at(3, 13),
       "never the token"},
      {"read_tokens:\n  - name: a\n    sha256: " + hash_of("") + "\n", at(2, 5),
       "the SHA-256 of the empty token"},
      {"read_tokens:\n  - name: a\n    sha256: " + hash_of("x") + "\n    sha256_file: f\n",
       at(2, 5), "exactly one of"},
      {"read_tokens:\n  - name: a\n    sha256_file: " + (dir_ / "missing").string() + "\n",
       at(3, 18), "cannot read the read token's sha256_file"},
      {"read_tokens:\n  - name: a\n    sha256_file: " + (dir_ / "not-hex.sha256").string() + "\n",
       at(3, 18), "must hold 64 lowercase hex digits"},
      {"read_tokens:\n  - name: a\n    sha256: " + hash_of("x") + "\n    repositories: [a]\n",
       at(4, 5), "unknown setting 'repositories' in a read token"},
      {"read_tokens:\n  - name: a\n    sha256: " + hash_of("x") +
           "\n  - name: a\n    sha256: " + hash_of("y") + "\n",
       at(4, 11), "read token 'a' is listed twice"},
  };
  for (const auto& bad : cases) {
    gate::test::write_file(dir_ / "serve.yaml", base + bad.yaml);
    auto result = gate::test::run_gate({"log", "serve", "--config", file});
    EXPECT_EQ(result.exit_code, 2) << bad.yaml << result.err;
    EXPECT_THAT(result.err, HasSubstr(file + bad.where)) << bad.yaml;
    EXPECT_THAT(result.err, HasSubstr(bad.says)) << bad.yaml;
    EXPECT_TRUE(result.out.empty()) << result.out;
  }
  EXPECT_FALSE(std::filesystem::exists(store()));  // refused before the log was opened
}

// The clients: `gate log --log URL` and `gate verify --log URL` read with GATE_LOG_TOKEN, and
// `gate check --log URL` reads with the credential it appends with.
class RemoteReadAccessTest : public RemoteLogTest {
 protected:
  // The fixture's service (the project token kCiToken appends for any repository) with a read
  // token.
  std::unique_ptr<ServiceProcess> start_guarded() {
    std::string key_file = store() + ".log.key";
    gate::test::write_file(key_file, log_key_.pkcs8_pem());
    std::string config = store() + ".yaml";
    gate::test::write_file(
        config, "store: " + store() + "\norigin: " + origin() + "\nlog_key: " + key_file +
                    "\ntrust: [" + path("decision.pub") + "]\nread_timeout: 2\nthreads: 8\n" +
                    "tokens:\n  - name: ci\n    sha256: " + hash_of(kCiToken) +
                    "\n    repositories: [\"*\"]\nread_tokens:\n  - name: auditors\n    sha256: " +
                    hash_of(kReadToken) + "\n");
    return std::make_unique<ServiceProcess>(std::vector<std::string>{"--config", config});
  }
  gate::test::RunResult remote_with(std::vector<std::string> args, const std::string& url,
                                    const std::map<std::string, std::string>& env) {
    for (const auto& arg : remote(url)) args.push_back(arg);
    return gate::test::run_gate(args, env);
  }
};

TEST_F(RemoteReadAccessTest, TheRemoteClientReadsWithGateLogToken) {
  seed(store(), 0, 5);
  auto service = start_guarded();
  std::vector<std::string> verify = {"log", "verify", "--trust", path("decision.pub")};
  auto refused = remote_with(verify, service->url(), {});
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("the service answered 401 (missing_token"));

  auto verified = remote_with(verify, service->url(), {{"GATE_LOG_TOKEN", kReadToken}});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_THAT(verified.out, HasSubstr("log OK: 5 entries"));

  auto query = remote_with({"log", "query", "--verdict", "fail"}, service->url(),
                           {{"GATE_LOG_TOKEN", kReadToken}});
  EXPECT_EQ(query.exit_code, 0) << query.err;
  auto exported = remote_with({"log", "export", "--out", path("export.jsonl")}, service->url(),
                              {{"GATE_LOG_TOKEN", kReadToken}});
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_TRUE(fs::exists(path("export.jsonl")));

  // `gate check` reads (health, checkpoint, proofs) with the token it appends with, and a read
  // token alone cannot append.
  auto checked = check(service->url(), {}, {{"GATE_LOG_TOKEN", kCiToken}});
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
  EXPECT_EQ(entries(store()), 6u);
  auto reader_appends = check(service->url(), {}, {{"GATE_LOG_TOKEN", kReadToken}});
  EXPECT_EQ(reader_appends.exit_code, 2);
  EXPECT_THAT(reader_appends.err, HasSubstr("appending the decision: the service answered 401"));
  EXPECT_EQ(entries(store()), 6u);
}

}  // namespace
}  // namespace gate::server::test
