// `gate log ... --log http://...` and `gate verify --log http://...` against a real service: the
// same output as the commands give on the service's own file, and a refusal for any answer
// altered on the way.
#include "tests/service/remote_fixture.hpp"

namespace gate::server::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class RemoteLogCommandTest : public RemoteLogTest {
 protected:
  gate::test::RunResult local(std::vector<std::string> args) {
    args.push_back("--log");
    args.push_back(store());
    return gate::test::run_gate(args);
  }
};

TEST_F(RemoteLogCommandTest, VerifyRecomputesTheServicesLogAndSaysWhatALocalVerifySays) {
  seed(store(), 0, 11);
  auto service = start(store());
  auto remote = run_remote({"log", "verify", "--trust", path("decision.pub")}, service->url());
  ASSERT_EQ(remote.exit_code, 0) << remote.out << remote.err;
  auto here =
      local({"log", "verify", "--trust", path("decision.pub"), "--log-pub", path("log.pub")});
  ASSERT_EQ(here.exit_code, 0) << here.err;
  EXPECT_EQ(remote.out, here.out);
  EXPECT_THAT(remote.out, StartsWith("log OK: 11 entries, root "));

  // A decision key that is not trusted breaks the log at its first entry.
  attest::PrivateKey stranger = attest::PrivateKey::generate(attest::KeyType::ed25519);
  attest::test::write_key_files(stranger, dir_ / "stranger");
  auto untrusted = run_remote({"log", "verify", "--trust", path("stranger.pub")}, service->url());
  EXPECT_EQ(untrusted.exit_code, 1);
  EXPECT_THAT(untrusted.out, StartsWith("log BROKEN at entry 0: envelope "));
}

TEST_F(RemoteLogCommandTest, VerifyThroughATamperingProxyIsBroken) {
  seed(store(), 0, 6);
  auto service = start(store());
  struct Case {
    std::string name;
    std::function<void(std::string&)> alter;  // the export body
    std::string verdict;
  };
  std::vector<Case> cases = {
      {"envelope",
       [](std::string& body) {
         size_t third = body.find('\n', body.find('\n') + 1) + 1;
         size_t payload = body.find("payload", third);
         alter_one_byte(body, payload + 20);
       },
       "log BROKEN at entry 2: {url}/v1/export: the leaf hash of entry 2 is not SHA-256(0x00 || "
       "its envelope) (edited)"},
      {"checkpoint",
       [](std::string& body) {
         size_t line = body.rfind("{\"checkpoint\"");
         size_t root = body.find("\\n", body.find("\\n", line) + 2) + 2;
         alter_one_byte(body, root + 2);
       },
       "is not signed by the pinned log key"},
      {"dropped entry",
       [](std::string& body) {
         size_t second = body.find('\n') + 1;
         body.erase(second, body.find('\n', second) + 1 - second);
       },
       "log BROKEN at entry 1: {url}/v1/export: entry 2 comes where 1 is missing (deleted)"},
  };
  // A good run first keeps the checkpoint, so a tampered one cannot be trusted on first use.
  ASSERT_EQ(run_remote({"log", "verify"}, service->url()).exit_code, 0);
  for (const auto& tampered : cases) {
    SCOPED_TRACE(tampered.name);
    TamperingProxy proxy(service->port(),
                         [&](const std::string&, const std::string& target, std::string& body) {
                           if (target == "/v1/export") tampered.alter(body);
                         });
    auto result = run_remote({"log", "verify", "--trust", path("decision.pub")}, proxy.url());
    EXPECT_EQ(result.exit_code, 1) << result.err;
    std::string verdict = tampered.verdict;
    if (size_t at = verdict.find("{url}"); at != std::string::npos) {
      verdict.replace(at, 5, proxy.url());
    }
    EXPECT_THAT(result.out, HasSubstr(verdict));
  }
}

TEST_F(RemoteLogCommandTest, QueryPrintsWhatALocalQueryPrintsOnTheSameFile) {
  seed(store(), 0, 1105);  // more than one page of the service (1000)
  auto service = start(store());
  std::vector<std::vector<std::string>> queries = {
      {"--limit", "0", "--format", "csv"},
      {"--verdict", "fail", "--format", "json", "--limit", "40"},
      {"--actor", "bob", "--since", "2026-03-01T12:00:00Z", "--until", "2026-03-02"},
      {"--rule", "no-secrets", "--format", "jsonl", "--limit", "1001"},
      {"--commit", attest::test::commit_id(17).substr(0, 8)},
  };
  for (const auto& filters : queries) {
    std::vector<std::string> args = {"log", "query"};
    args.insert(args.end(), filters.begin(), filters.end());
    SCOPED_TRACE(::testing::PrintToString(args));
    auto remote = run_remote(args, service->url());
    auto here = local(args);
    ASSERT_EQ(remote.exit_code, 0) << remote.err;
    ASSERT_EQ(here.exit_code, 0) << here.err;
    EXPECT_EQ(remote.out, here.out);
    EXPECT_GT(remote.out.size(), 100u);
  }
}

TEST_F(RemoteLogCommandTest, ProofsAndExportAreTheLocalOnesCheckedOnTheWay) {
  seed(store(), 0, 13);
  auto service = start(store());
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"log", "proof", "inclusion", "5"},
                                             {"log", "proof", "inclusion", "2", "--size", "7"},
                                             {"log", "proof", "consistency", "6", "13"},
                                             {"log", "export"},
                                             {"log", "checkpoint"},
                                             {"log", "show", "4"}}) {
    SCOPED_TRACE(::testing::PrintToString(args));
    auto remote = run_remote(args, service->url());
    auto here = local(args);
    ASSERT_EQ(remote.exit_code, 0) << remote.err;
    EXPECT_EQ(remote.out, here.out);
  }

  TamperingProxy proxy(service->port(),
                       [](const std::string&, const std::string& target, std::string& body) {
                         if (target.rfind("/v1/proof/inclusion", 0) != 0) return;
                         auto answer = nlohmann::json::parse(body);
                         std::string hash = answer["proof"][1];
                         alter_one_byte(hash, 30);
                         answer["proof"][1] = hash;
                         body = answer.dump();
                       });
  auto tampered = run_remote({"log", "proof", "inclusion", "5"}, proxy.url());
  EXPECT_EQ(tampered.exit_code, 2);
  EXPECT_EQ(tampered.out, "");
  EXPECT_THAT(tampered.err, HasSubstr("the inclusion proof of entry 5 does not lead to the root "
                                      "of size 13"));

  auto unpinned = gate::test::run_gate({"log", "--log", service->url(), "export"});
  EXPECT_EQ(unpinned.exit_code, 2);
  EXPECT_THAT(unpinned.err, HasSubstr("needs its pinned log key"));
}

TEST_F(RemoteLogCommandTest, GateVerifyFindsTheLoggedDecisionOfACommitAndProvesIt) {
  seed(store(), 0, 4);
  auto service = start(store());
  auto checked = check(service->url());
  ASSERT_EQ(checked.exit_code, 0) << checked.err;

  std::vector<std::string> verify = {"verify", "--repo", repo_.dir(), "--trust",
                                     path("decision.pub")};
  auto logged = run_remote(verify, service->url());
  EXPECT_EQ(logged.exit_code, 0) << logged.out << logged.err;
  EXPECT_EQ(logged.out, "verified: commit " + head_ + " passed the gate, signed by key " +
                            signer_.key_id() + " (" + service->url() +
                            " entry 4, the last of 1 for this commit, proven in the checkpoint of "
                            "size 5)\n");

  verify.insert(verify.end(), {"--commit", base_});
  auto unlogged = run_remote(verify, service->url());
  EXPECT_EQ(unlogged.exit_code, 1);
  EXPECT_EQ(unlogged.out,
            "not verified: no decision for commit " + base_ + " in " + service->url() + "\n");

  TamperingProxy proxy(service->port(),
                       [](const std::string&, const std::string& target, std::string& body) {
                         if (target.rfind("/v1/proof/inclusion", 0) != 0) return;
                         auto answer = nlohmann::json::parse(body);
                         std::string hash = answer["proof"][0];
                         alter_one_byte(hash, 1);
                         answer["proof"][0] = hash;
                         body = answer.dump();
                       });
  verify.resize(5);
  auto tampered = run_remote(verify, proxy.url());
  EXPECT_EQ(tampered.exit_code, 1);
  EXPECT_THAT(tampered.out,
              HasSubstr("not verified: the audit log " + proxy.url() + " is broken: "));
  EXPECT_THAT(tampered.out, HasSubstr("the inclusion proof of entry 4 does not lead to the root"));
}

TEST_F(RemoteLogCommandTest, ACheckpointHeldElsewhereMustBeExtendedByTheServicesLog) {
  seed(store("a"), 0, 6);
  seed(store("fork"), 100, 9);  // same origin and key, other entries
  {
    auto service = start(store("a"));
    auto held = run_remote({"log", "checkpoint"}, service->url());
    ASSERT_EQ(held.exit_code, 0) << held.err;
    gate::test::write_file(path("held.txt"), held.out);
  }
  fs::remove(state());  // a fresh client: only the held checkpoint knows the old log
  auto fork = start(store("fork"));
  auto verified = run_remote({"log", "verify", "--checkpoint", path("held.txt")}, fork->url());
  EXPECT_EQ(verified.exit_code, 1);
  EXPECT_EQ(verified.out, "log BROKEN: the log does not extend " + path("held.txt") +
                              " (size 6): it was rewritten (fork or rollback)\n");

  ASSERT_EQ(check(fork->url()).exit_code, 0);  // the commit is logged in the fork
  fs::remove(state());
  auto deploy = run_remote({"verify", "--repo", repo_.dir(), "--commit", head_, "--trust",
                            path("decision.pub"), "--checkpoint", path("held.txt")},
                           fork->url());
  EXPECT_EQ(deploy.exit_code, 1);
  EXPECT_EQ(deploy.out, "not verified: the audit log " + fork->url() + " is broken: the log does " +
                            "not extend " + path("held.txt") +
                            " (size 6): it was rewritten (fork or rollback)\n");
}

TEST_F(RemoteLogCommandTest, TheKeptCheckpointLivesInTheGitDirUnlessAFileIsNamed) {
  seed(store(), 0, 3);
  auto service = start(store());
  std::vector<std::string> args = {"log",       "--log",         service->url(),
                                   "--log-pub", path("log.pub"), "checkpoint"};
  auto in_repo = gate::test::run_gate(args, {}, repo_.path());
  ASSERT_EQ(in_repo.exit_code, 0) << in_repo.err;
  std::string name = origin();
  for (char& c : name) c = c == '/' ? '_' : c;
  fs::path kept = repo_.path() / ".git" / "gate" / "remote-checkpoints" / name;
  EXPECT_THAT(in_repo.err, HasSubstr("trusted on first use and kept in " + kept.string()));
  EXPECT_EQ(gate::test::read_file(kept), in_repo.out);

  gate::test::TempDir elsewhere;  // no repository: nowhere to keep it unless told
  auto outside = gate::test::run_gate(args, {}, elsewhere.path());
  EXPECT_EQ(outside.exit_code, 2);
  EXPECT_THAT(outside.err, HasSubstr("no place to keep the remote log's checkpoint"));
  EXPECT_THAT(outside.err, HasSubstr("pass --log-state FILE or set GATE_LOG_STATE"));
  auto named =
      gate::test::run_gate(args, {{"GATE_LOG_STATE", path("state.txt")}}, elsewhere.path());
  EXPECT_EQ(named.exit_code, 0) << named.err;
  EXPECT_EQ(gate::test::read_file(path("state.txt")), in_repo.out);
}

}  // namespace
}  // namespace gate::server::test
