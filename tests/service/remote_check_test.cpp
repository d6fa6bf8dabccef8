// `gate check --log http://...`: the decision goes to a real `gate log serve`, and the run
// succeeds only once the service's answer is proven; any failure exits 2 with nothing else of the
// run written (no attestation file, no git note).
#include "tests/service/remote_fixture.hpp"

namespace gate::server::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class RemoteCheckTest : public RemoteLogTest {
 protected:
  std::vector<std::string> sinks() const {
    return {"--attestation", path("attestation.json"), "--notes", "--format",
            "json=" + path("report.json")};
  }
  void expect_nothing_written() {
    EXPECT_FALSE(fs::exists(path("attestation.json")));
    EXPECT_FALSE(fs::exists(path("report.json")));
    EXPECT_FALSE(has_note());
    for (const auto& entry : fs::directory_iterator(dir_.path())) {
      EXPECT_THAT(entry.path().filename().string(), Not(HasSubstr(".tmp"))) << "left behind";
    }
  }
};

TEST_F(RemoteCheckTest, AppendsToTheServiceAndTheNoteCarriesTheCheckedProof) {
  seed(store(), 0, 3);
  auto service = start(store());
  auto result = check(service->url(), {"--notes", "--format", "json=" + path("report.json")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("trusted on first use"));
  // Recorded: the report names the entry, and the service's own log file holds the envelope.
  auto report = nlohmann::json::parse(gate::test::read_file(path("report.json")));
  EXPECT_EQ(report["attestation"]["path"], service->url() + "#3");
  ASSERT_EQ(entries(store()), 4u);
  auto note = nlohmann::json::parse(repo_.git({"notes", "--ref=gate", "show", head_}));
  EXPECT_EQ(note["logIndex"], 3);
  auto stored = attest::LogStore::open(store(), false).entry(3);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(note["envelope"], stored->envelope);
  EXPECT_TRUE(fs::exists(state()));

  // The note alone now proves the decision is in the log (checkpoint from the service's answer).
  auto verified =
      gate::test::run_gate({"verify", "--repo", repo_.dir(), "--commit", head_, "--trust",
                            path("decision.pub"), "--log-pub", path("log.pub")});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_THAT(verified.out, HasSubstr("log entry 3"));

  // A second run extends the kept checkpoint: no first-use note any more.
  auto again = check(service->url());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, Not(HasSubstr("trusted on first use")));
  EXPECT_EQ(entries(store()), 5u);
  // The kept checkpoint moved on to the one the second append was proven in.
  EXPECT_EQ(gate::test::read_file(state()),
            attest::LogStore::open(store(), false).latest_checkpoint().value_or(""));
}

TEST_F(RemoteCheckTest, AnAlteredConsistencyProofFromTheKeptCheckpointIsRefused) {
  seed(store(), 0, 5);
  auto service = start(store());
  ASSERT_EQ(run_remote({"log", "checkpoint"}, service->url()).exit_code, 0);  // keeps size 5
  auto grown = check(service->url());  // size 6, proven from 5 by the service
  ASSERT_EQ(grown.exit_code, 0) << grown.err;
  TamperingProxy proxy(service->port(),
                       [](const std::string&, const std::string& target, std::string& body) {
                         if (target.rfind("/v1/proof/consistency", 0) != 0) return;
                         auto answer = nlohmann::json::parse(body);
                         std::string hash = answer["proof"][0];
                         alter_one_byte(hash, 12);
                         answer["proof"][0] = hash;
                         body = answer.dump();
                       });
  seed(store(), 6, 1);  // another writer: the service's checkpoint is now newer than the kept one
  auto result = check(proxy.url(), sinks());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("the log at size 7 does not extend the checkpoint of size 6 "
                                    "kept in " +
                                    state() + " (consistency proof: "));
  expect_nothing_written();
  EXPECT_EQ(entries(store()), 7u);  // refused in prepare, before the append
}

TEST_F(RemoteCheckTest, ServiceDownExitsTwoAndWritesNothing) {
  std::string url;
  {
    auto service = start(store());
    url = service->url();
  }  // stopped: nothing listens on its port any more
  auto result = check(url, sinks());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr(url + "/healthz: no answer from the log service"));
  expect_nothing_written();
}

TEST_F(RemoteCheckTest, ARefusedAppendExitsTwoWithTheServicesReasonAndWritesNothing) {
  auto service = start(store());
  auto result = check(service->url(), sinks(), {});  // no GATE_LOG_TOKEN
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("/v1/entries: appending the decision: the service answered "
                                    "401 (missing_token: send 'Authorization: Bearer"));
  expect_nothing_written();
  EXPECT_EQ(entries(store()), 0u);
}

TEST_F(RemoteCheckTest, EachAlteredByteOfTheAppendAnswerIsRefusedAndNothingIsWritten) {
  seed(store(), 0, 5);
  auto service = start(store());
  struct Case {
    std::string field;
    std::string named;  // what the error must name
  };
  for (const Case& tampered : {Case{"inclusion_proof", "the inclusion proof of entry"},
                               Case{"checkpoint", "is not signed by the pinned log key"},
                               Case{"leaf_hash", "the leaf hash of entry"},
                               Case{"root", "the inclusion proof of entry"}}) {
    SCOPED_TRACE(tampered.field);
    TamperingProxy proxy(service->port(),
                         [&](const std::string& method, const std::string&, std::string& body) {
                           if (method != "POST") return;
                           auto answer = nlohmann::json::parse(body);
                           if (tampered.field == "inclusion_proof") {
                             std::string hash = answer["inclusion_proof"][0];
                             alter_one_byte(hash, 7);
                             answer["inclusion_proof"][0] = hash;
                           } else if (tampered.field == "checkpoint") {
                             std::string note = answer["checkpoint"];
                             alter_one_byte(note, checkpoint_root_at(note) + 3);
                             answer["checkpoint"] = note;
                           } else {
                             std::string hash = answer[tampered.field];
                             alter_one_byte(hash, 0);
                             answer[tampered.field] = hash;
                           }
                           body = answer.dump();
                         });
    auto result = check(proxy.url(), sinks());
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_THAT(result.err, HasSubstr(tampered.named));
    expect_nothing_written();
  }
}

TEST_F(RemoteCheckTest, AnotherLogUnderTheSameOriginIsRefusedOnceACheckpointIsKept) {
  seed(store("a"), 0, 6);
  seed(store("longer"), 100, 9);  // a fork: same origin and key, other entries, more of them
  seed(store("shorter"), 0, 4);   // a rollback: the first 4 entries alone
  {
    auto service = start(store("a"));
    auto kept = run_remote({"log", "checkpoint"}, service->url());
    ASSERT_EQ(kept.exit_code, 0) << kept.err;
  }
  {
    auto fork = start(store("longer"));
    auto result = check(fork->url(), sinks());
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_THAT(result.err, HasSubstr("does not extend the checkpoint of size 6 kept in"));
    EXPECT_THAT(result.err, HasSubstr("forked or rewritten"));
    expect_nothing_written();
    EXPECT_EQ(entries(store("longer")), 9u);  // refused in prepare, before the append
  }
  {
    auto rollback = start(store("shorter"));
    auto result = check(rollback->url(), sinks());
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_THAT(result.err, HasSubstr("the service's latest checkpoint has size 4, older than "
                                      "the checkpoint of size 6 kept in"));
    EXPECT_THAT(result.err, HasSubstr("rolled back or truncated"));
    expect_nothing_written();
  }
}

TEST_F(RemoteCheckTest, ACheckpointNotSignedByThePinnedKeyIsRefused) {
  attest::PrivateKey impostor = attest::PrivateKey::generate(attest::KeyType::ed25519);
  seed(store(), 0, 2, &impostor);
  auto service = start(store(), &impostor);
  auto result = check(service->url(), sinks());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("is not signed by the pinned log key"));
  expect_nothing_written();
  EXPECT_FALSE(fs::exists(state()));  // nothing trusted on first use either
}

TEST_F(RemoteCheckTest, ARemoteLogNeedsItsPinnedKeyAndNoLocalLogKey) {
  auto service = start(store());
  std::vector<std::string> args = {"check",       "--repo",     repo_.dir(),          "--base",
                                   "main",        "--sign-key", path("decision.key"), "--log",
                                   service->url()};
  auto missing = gate::test::run_gate(args, {{"GATE_LOG_TOKEN", kCiToken}});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("needs its pinned log key"));
  EXPECT_THAT(missing.err, HasSubstr("pass --log-pub LOG.pub or set GATE_LOG_PUB"));

  auto from_env = gate::test::run_gate(args, {{"GATE_LOG_TOKEN", kCiToken},
                                              {"GATE_LOG_PUB", path("log.pub")},
                                              {"GATE_LOG_STATE", state()}});
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;

  auto local_key = check(service->url(), {"--log-key", path("log.key")});
  EXPECT_EQ(local_key.exit_code, 2);
  EXPECT_THAT(local_key.err, HasSubstr("--log-key is for a local log file"));
  EXPECT_EQ(entries(store()), 1u);
}

TEST_F(RemoteCheckTest, UnderGithubActionsTheOidcTokenIsRequestedForTheGateAudience) {
  auto service = start(store());
  httplib::Server issuer;
  std::string asked;
  issuer.Get("/token", [&](const httplib::Request& req, httplib::Response& res) {
    asked = req.get_header_value("Authorization") + " " + req.get_param_value("audience") + " " +
            req.get_param_value("api-version");
    // Any non-JWT is a project token to the service: this one is admitted.
    res.set_content(nlohmann::json{{"value", kCiToken}}.dump(), "application/json");
  });
  int port = issuer.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { issuer.listen_after_bind(); });
  wait_until_running(issuer);
  auto result = check(service->url(), {},
                      {{"ACTIONS_ID_TOKEN_REQUEST_URL",
                        "http://127.0.0.1:" + std::to_string(port) + "/token?api-version=2.0"},
                       {"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "request-secret"}});
  issuer.stop();
  serving.join();
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(asked, "bearer request-secret gate 2.0");
  EXPECT_EQ(entries(store()), 1u);

  // GitLab CI: the job's id_tokens entry GATE_ID_TOKEN.
  auto gitlab = check(service->url(), {}, {{"GATE_ID_TOKEN", kCiToken}});
  EXPECT_EQ(gitlab.exit_code, 0) << gitlab.err;
  EXPECT_EQ(entries(store()), 2u);
}

TEST_F(RemoteCheckTest, HttpsWorksWithACertificateTheClientTrustsAndOnlyThen) {
  // A self-signed certificate for 127.0.0.1, served by a TLS-terminating proxy.
  auto made = gate::test::run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                               "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                               "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
                               path("tls.key"), "-out", path("tls.pem")});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto service = start(store());
  TamperingProxy tls(
      service->port(), [](const std::string&, const std::string&, std::string&) {},
      std::make_pair(path("tls.pem"), path("tls.key")));
  ASSERT_EQ(tls.url().rfind("https://", 0), 0u);

  auto untrusted =
      check(tls.url(), sinks(), {{"GATE_LOG_TOKEN", kCiToken}, {"SSL_CERT_FILE", path("log.pub")}});
  EXPECT_EQ(untrusted.exit_code, 2);
  EXPECT_THAT(untrusted.err, HasSubstr("/healthz: no answer from the log service: the server's "
                                       "TLS certificate is not trusted"));
  expect_nothing_written();

  auto trusted =
      check(tls.url(), {}, {{"GATE_LOG_TOKEN", kCiToken}, {"SSL_CERT_FILE", path("tls.pem")}});
  EXPECT_EQ(trusted.exit_code, 0) << trusted.err;
  EXPECT_EQ(entries(store()), 1u);
}

}  // namespace
}  // namespace gate::server::test
