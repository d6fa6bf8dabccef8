// The commit that lands on the default branch is the one attested: a push of a merge, squash or
// rebased commit finds its pull request through the forge (GitHub's OpenAPI examples, GitLab's
// documented bodies, served on 127.0.0.1), counts that pull request's reviews, links its
// decision, and `gate verify` then passes main's commit. In a merge queue the queue's head is
// the commit main becomes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "attest/bytes.hpp"
#include "tests/process/forge_fixture.hpp"

namespace gate::test {
namespace {

using ::testing::HasSubstr;

enum class MergeMethod { merge, squash, rebase };

class LandingOnMain : public ForgeApprovals {
 protected:
  void SetUp() override {
    ForgeApprovals::SetUp();
    if (IsSkipped()) return;
    write_file(dir / "trust.pub",
               attest::PrivateKey::from_pem(read_file(dir / "signer.key"), "signer.key")
                   .public_key()
                   .pem());
    answer_reviews(json::array({review("bob", "APPROVED", head, "2026-01-02T10:00:00Z", 7)}));
  }

  // Lands the pull request's branch on main as GitHub's merge button does; returns main's
  // new commit.
  std::string land(MergeMethod method) {
    repo.checkout("main");
    switch (method) {
      case MergeMethod::merge:
        repo.git({"merge", "--no-ff", "-q", "-m", "Merge pull request #42 from acme/feature",
                  "feature"});
        break;
      case MergeMethod::squash:
        repo.git({"merge", "--squash", "-q", "feature"});
        repo.git({"commit", "-q", "-m", "Change a (#42)"});
        break;
      case MergeMethod::rebase:
        // GitHub rewrites the committer of each rebased commit; -x makes the copy another
        // commit here too, however close in time the two are made.
        repo.git({"cherry-pick", "-x", head});
        break;
    }
    return repo.head();
  }

  void push_event(const std::string& before, const std::string& after) {
    json event = {{"ref", "refs/heads/main"},
                  {"before", before},
                  {"after", after},
                  {"repository", {{"full_name", "acme/widgets"}, {"default_branch", "main"}}}};
    write_file(dir / "event.json", event.dump());
    event_name = "push";
  }

  // GET /repos/acme/widgets/commits/SHA/pulls: GitHub's example, as pull request #42 merged
  // into `landed`.
  void answer_commit_pulls(const std::string& landed, bool merged = true) {
    json pull = example("pull-request-simple-items")[0];
    pull["number"] = 42;
    pull["user"]["login"] = "dana";
    pull["head"]["sha"] = head;
    pull["merge_commit_sha"] = landed;
    pull["merged_at"] = merged ? json("2026-01-02T11:00:00Z") : json(nullptr);
    server.answer("/repos/acme/widgets/commits/" + landed + "/pulls",
                  {200, json::array({pull}).dump()});
  }

  RunResult verify(const std::string& commit) {
    return run_gate({"verify", "--repo", repo.dir(), "--commit", commit, "--trust",
                     (dir / "trust.pub").string(), "--allow-unlogged"});
  }

  // The pull request's own run, attested on its head as a git note.
  std::string attest_pull_request() {
    RunResult pr = check({}, {"--notes"});
    EXPECT_EQ(pr.exit_code, 0) << pr.out << pr.err;
    return attest::to_hex(attest::sha256(read_file(attestation())));
  }
};

class LandingByMethod : public LandingOnMain, public ::testing::WithParamInterface<MergeMethod> {};

TEST_P(LandingByMethod, MainsCommitCountsThePullRequestsReviewsLinksItsDecisionAndVerifies) {
  std::string pull_request_decision = attest_pull_request();
  std::string landed = land(GetParam());
  push_event(base, landed);
  answer_commit_pulls(landed);

  RunResult result = check({}, {"--notes"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  json landing = predicate()["landing"];
  EXPECT_EQ(landing["changeId"], "42");
  EXPECT_EQ(landing["changeHead"], head);
  EXPECT_EQ(landing["commit"], landed);
  EXPECT_EQ(landing["changeDecision"]["sha256"], pull_request_decision);
  EXPECT_EQ(landing["changeDecision"]["verdict"], "pass");
  EXPECT_EQ(predicate()["head"], landed);
  json record = predicate()["rules"][0]["record"];
  EXPECT_EQ(record["changeId"], "42");
  EXPECT_EQ(record["reviewedHead"], head);
  EXPECT_EQ(record["approvers"], json::array({"bob"}));

  RunResult verified = verify("main");
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

INSTANTIATE_TEST_SUITE_P(MergeSquashRebase, LandingByMethod,
                         ::testing::Values(MergeMethod::merge, MergeMethod::squash,
                                           MergeMethod::rebase),
                         [](const auto& info) {
                           switch (info.param) {
                             case MergeMethod::merge:
                               return "Merge";
                             case MergeMethod::squash:
                               return "Squash";
                             default:
                               return "Rebase";
                           }
                         });

TEST_F(LandingOnMain, WithoutAKeptPullRequestDecisionMainIsStillJudgedAndLinksNone) {
  std::string landed = land(MergeMethod::squash);
  push_event(base, landed);
  answer_commit_pulls(landed);
  RunResult result = check({}, {"--notes"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(predicate()["landing"]["changeId"], "42");
  EXPECT_FALSE(predicate()["landing"].contains("changeDecision"));
  EXPECT_EQ(verify(landed).exit_code, 0);
}

TEST_F(LandingOnMain, ADirectPushToMainHasNoApprovalAndIsBlocked) {
  repo.checkout("main");
  repo.write("src/b.py", "y = 2\n");
  std::string pushed = repo.commit("Straight to main");
  push_event(base, pushed);
  server.answer("/repos/acme/widgets/commits/" + pushed + "/pulls", {200, "[]"});
  RunResult result = check({}, {"--notes"});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_THAT(messages(result.out),
              ::testing::Contains(HasSubstr("was pushed to main directly: it landed from no "
                                            "merged pull request")));
  EXPECT_FALSE(predicate().contains("landing"));
  EXPECT_EQ(verify(pushed).exit_code, 1);
}

TEST_F(LandingOnMain, AnOpenPullRequestHoldingTheCommitIsNotItsLanding) {
  std::string landed = land(MergeMethod::squash);
  push_event(base, landed);
  answer_commit_pulls(landed, /*merged=*/false);
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_FALSE(predicate().contains("landing"));
}

TEST_F(LandingOnMain, AMissingScopeForTheCommitsPullRequestsIsExitTwoNamingIt) {
  std::string landed = land(MergeMethod::squash);
  push_event(base, landed);
  server.answer("/repos/acme/widgets/commits/" + landed + "/pulls",
                {403, R"({"message": "Resource not accessible by integration"})"});
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(error_lines(result.err), HasSubstr("add `contents: read` and `pull-requests: read`"));
  EXPECT_FALSE(fs::exists(attestation()));
}

TEST_F(LandingOnMain, APushToAnotherBranchReadsNoPullRequest) {
  repo.checkout("feature");
  json event = {{"ref", "refs/heads/feature"},
                {"before", base},
                {"after", head},
                {"repository", {{"default_branch", "main"}}}};
  write_file(dir / "event.json", event.dump());
  event_name = "push";
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_THAT(messages(result.out), ::testing::Contains(HasSubstr("names no pull request")));
  EXPECT_TRUE(server.asked().empty());
}

TEST_F(LandingOnMain, TheMergeQueuesHeadIsTheCommitMainBecomesAndVerifies) {
  repo.checkout("main");
  repo.git({"checkout", "-q", "-b", "gh-readonly-queue/main/pr-42-" + base});
  repo.git({"merge", "--no-ff", "-q", "-m", "Merge pull request #42", "feature"});
  std::string queue_head = repo.head();
  merge_group_event(queue_head);
  RunResult queued = check({}, {"--notes"});
  ASSERT_EQ(queued.exit_code, 0) << queued.out << queued.err;
  // GitHub fast-forwards main to the queue's head once its checks pass.
  repo.checkout("main");
  repo.git({"merge", "--ff-only", "-q", queue_head});
  RunResult verified = verify("main");
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

TEST(LandingOnMainGitlab, ADefaultBranchPipelineFindsTheMergedRequestAndCountsItsApprovals) {
  GitRepo repo;
  TempDir dir;
  ForgeServer server;
  repo.write(".gate/policy.yaml", kPolicy);
  repo.write("CODEOWNERS", "/src/ @root\n");
  std::string base = repo.commit("base");
  repo.branch("feature");
  repo.write("src/a.py", "x = 1\n");
  std::string head = repo.commit("Change a");
  repo.checkout("main");
  repo.git({"merge", "--squash", "-q", "feature"});
  repo.git({"commit", "-q", "-m", "Change a (squashed from !17)"});
  std::string squashed = repo.head();
  ASSERT_NE(squashed, head);

  // GitLab documents this list with the merge request objects of "List merge requests".
  const fs::path fixtures = kSource / "tests/process/fixtures";
  json request = json::parse(read_file(fixtures / "gitlab_merge_request.json"));
  request["iid"] = 17;
  request["state"] = "merged";
  request["sha"] = head;
  request["merge_commit_sha"] = nullptr;
  request["squash_commit_sha"] = squashed;
  server.answer("/api/v4/projects/1234/repository/commits/" + squashed + "/merge_requests",
                {200, json::array({request}).dump()});
  server.answer("/api/v4/projects/1234/merge_requests/17", {200, request.dump()});
  server.answer("/api/v4/projects/1234/merge_requests/17/approvals",
                {200, read_file(fixtures / "gitlab_merge_request_approvals.json")});
  std::map<std::string, std::string> env = {{"GITLAB_CI", "true"},
                                            {"CI_PIPELINE_SOURCE", "push"},
                                            {"CI_API_V4_URL", server.url() + "/api/v4"},
                                            {"CI_PROJECT_ID", "1234"},
                                            {"CI_PROJECT_PATH", "acme/widgets"},
                                            {"CI_COMMIT_BRANCH", "main"},
                                            {"CI_DEFAULT_BRANCH", "main"},
                                            {"CI_COMMIT_BEFORE_SHA", base},
                                            {"CI_COMMIT_SHA", squashed},
                                            {"GATE_GITLAB_TOKEN", "glpat-test"},
                                            {"CI_JOB_TOKEN", "\x01unset"},
                                            {"GITLAB_USER_LOGIN", "someone"},
                                            {"NO_PROXY", "127.0.0.1"},
                                            {"no_proxy", "127.0.0.1"}};
  write_file(dir / "signer.key",
             attest::PrivateKey::generate(attest::KeyType::ed25519).pkcs8_pem());
  RunResult result =
      run_gate({"check", "--repo", repo.dir(), "--format", "json", "--sign-key",
                (dir / "signer.key").string(), "--attestation", (dir / "a.json").string()},
               env);
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  attest::Envelope envelope = attest::parse_envelope(read_file(dir / "a.json"), "attestation");
  json predicate = json::parse(envelope.payload)["predicate"];
  EXPECT_EQ(predicate["landing"]["changeId"], "17");
  EXPECT_EQ(predicate["landing"]["changeHead"], head);
  EXPECT_EQ(predicate["landing"]["commit"], squashed);
  EXPECT_EQ(predicate["rules"][0]["record"]["reviewedHead"], head);
}

}  // namespace
}  // namespace gate::test
