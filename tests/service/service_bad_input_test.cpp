// Every refusal of `gate log serve` is a JSON error with the status a client can act on, and
// nothing refused reaches the log.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "tests/service/service_fixture.hpp"

namespace gate::server::test {
namespace {

class BadInputTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    start();
  }

  // Sends the request and checks the answer is {"status", "error", "message"} with `status`.
  void expect_error(const httplib::Result& res, int status, const std::string& code) {
    ASSERT_TRUE(res) << "no answer";
    EXPECT_EQ(res->status, status) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    auto body = nlohmann::json::parse(res->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << res->body;
    EXPECT_EQ(body["status"], status);
    EXPECT_EQ(body["error"], code) << res->body;
    EXPECT_FALSE(body["message"].get<std::string>().empty());
  }

  void expect_log_empty() {
    auto http = client();
    EXPECT_EQ(nlohmann::json::parse(http.Get("/healthz")->body)["size"], 0);
  }
};

TEST_F(BadInputTest, MalformedBodiesAre400) {
  auto http = client();
  for (std::string body :
       {"", "not json", "{}", "[]", R"({"payload":"x","payloadType":"y"})",
        R"({"payload":"!!!","payloadType":"application/vnd.in-toto+json","signatures":[]})"}) {
    expect_error(post(http, body, token_for("acme/app")), 400, "malformed_envelope");
  }
  expect_log_empty();
}

TEST_F(BadInputTest, OversizedBodiesAre413) {
  auto http = client();
  expect_error(post(http, std::string(70000, '{'), token_for("acme/app")), 413, "body_too_large");
  expect_log_empty();
}

TEST_F(BadInputTest, AnEnvelopeNoTrustedKeySignedIs422) {
  auto http = client();
  attest::PrivateKey stranger = attest::PrivateKey::generate(attest::KeyType::ed25519);
  attest::test::Decision decision;
  decision.repository = "acme/app";
  expect_error(post(http, attest::test::make_envelope(stranger, decision), token_for("acme/app")),
               422, "unverified_envelope");
  // A trusted envelope whose payload was edited after signing.
  std::string body = envelope("acme/app", 1);
  auto json = nlohmann::json::parse(body);
  std::string payload = *attest::base64_decode(json["payload"].get<std::string>());
  payload.replace(payload.find("pass"), 4, "fail");
  json["payload"] = attest::base64_encode(payload);
  expect_error(post(http, json.dump(), token_for("acme/app")), 422, "unverified_envelope");
  expect_log_empty();
}

TEST_F(BadInputTest, MissingExpiredForeignAndUntrustedTokensAre401) {
  auto http = client();
  std::string body = envelope("acme/app", 1);
  expect_error(post(http, body, ""), 401, "missing_token");
  auto claims = issuer().github_claims("acme/app", now() - 3600);
  expect_error(post(http, body, issuer().sign(claims)), 401, "bad_token");
  claims = issuer().github_claims("acme/app", now(), "sigstore");
  expect_error(post(http, body, issuer().sign(claims)), 401, "bad_token");
  TestIssuer stranger("ES256", "gh-1", "https://gitlab.evil.example");
  expect_error(post(http, body, stranger.sign(stranger.github_claims("acme/app", now()))), 401,
               "untrusted_issuer");
  TestIssuer forger("RS256", "gh-1", issuer().issuer());
  expect_error(post(http, body, forger.sign(forger.github_claims("acme/app", now()))), 401,
               "bad_token");
  expect_error(post(http, body, "not-a-known-project-token"), 401, "bad_token");
  expect_error(post(http, body, "a.b.c"), 401, "bad_token");
  expect_log_empty();
}

TEST_F(BadInputTest, RepositoriesAndWorkflowsTheRulesDoNotAdmitAre403) {
  auto http = client();
  // Not under acme/.
  expect_error(post(http, envelope("other/app", 1), token_for("other/app")), 403, "not_allowed");
  // Another workflow file of an admitted repository.
  auto claims = issuer().github_claims("acme/app", now());
  claims["job_workflow_ref"] = "acme/app/.github/workflows/release.yml@refs/heads/main";
  expect_error(post(http, envelope("acme/app", 1), issuer().sign(claims)), 403, "not_allowed");
  // A token of acme/app appending a decision about acme/billing.
  expect_error(post(http, envelope("acme/billing", 1), token_for("acme/app")), 403, "not_allowed");
  // The project token is for acme/legacy only.
  expect_error(post(http, envelope("acme/app", 1), kProjectToken), 403, "not_allowed");
  expect_log_empty();
}

TEST_F(BadInputTest, BadReadParametersAre400And404) {
  auto http = client();
  expect_error(http.Get("/v1/checkpoint"), 404, "empty_log");
  ASSERT_EQ(post(http, envelope("acme/app", 1), token_for("acme/app"))->status, 201);
  expect_error(http.Get("/v1/entries/7"), 404, "not_found");
  expect_error(http.Get("/v1/entries/x"), 404, "not_found");
  expect_error(http.Get("/v1/proof/inclusion"), 400, "bad_request");
  expect_error(http.Get("/v1/proof/inclusion?seq=-1"), 400, "bad_request");
  expect_error(http.Get("/v1/proof/inclusion?seq=5"), 404, "not_found");
  expect_error(http.Get("/v1/proof/inclusion?seq=0&size=99"), 400, "bad_request");
  expect_error(http.Get("/v1/proof/consistency?old=2&new=1"), 400, "bad_request");
  expect_error(http.Get("/v1/entries?limit=0"), 400, "bad_request");
  expect_error(http.Get("/v1/entries?since=yesterday"), 400, "bad_request");
  expect_error(http.Get("/v1/entries?commit=xyz"), 400, "bad_request");
  expect_error(http.Get("/v1/entries?page_token=garbage"), 400, "bad_request");
  expect_error(http.Get("/v1/nothing-here"), 404, "not_found");
}

TEST_F(BadInputTest, ASlowClientIsCutOffAfterTheReadTimeout) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(service_->port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  std::string partial = "POST /v1/entries HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{";
  ASSERT_EQ(send(fd, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
  timeval limit{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  auto started = std::chrono::steady_clock::now();
  char buffer[512];
  ssize_t n;
  while ((n = recv(fd, buffer, sizeof(buffer), 0)) > 0) {
  }
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  close(fd);
  EXPECT_EQ(n, 0) << "the server kept the connection open";
  EXPECT_LT(waited, 8.0);  // read_timeout is 2 s in the fixture
  expect_log_empty();
}

}  // namespace
}  // namespace gate::server::test
