// Approvals read natively from the forge, end to end through the `gate` binary: a real
// repository, GitHub's and GitLab's recorded response bodies served on 127.0.0.1, Gate pointed
// at them with GITHUB_API_URL / CI_API_V4_URL as the platforms set it. GitHub's bodies are the
// response examples of its OpenAPI description (npm @octokit/openapi, pinned in
// scripts/ci-lint-tools.sh github-api); GitLab's are its documented bodies (fixtures/README.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "tests/process/forge_fixture.hpp"

namespace gate::test {
namespace {

using ::testing::HasSubstr;

TEST_F(ForgeApprovals, ApprovalFromTheApiAlonePassesAndIsRecordedInTheAttestation) {
  answer_reviews(json::array({review("bob", "APPROVED", head, "2026-01-02T10:00:00Z", 80)}));
  RunResult result = check();
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  // The job's token went to the API, as a bearer token.
  ASSERT_FALSE(server.tokens().empty());
  EXPECT_EQ(server.tokens()[0], "Bearer ghs_testtoken");

  json record = predicate()["rules"][0]["record"];
  EXPECT_EQ(record["source"], "github-api");
  EXPECT_EQ(record["changeId"], "42");
  EXPECT_EQ(record["author"], "dana");
  ASSERT_EQ(record["reviews"].size(), 1u);
  EXPECT_EQ(record["reviews"][0]["reviewer"], "bob");
  EXPECT_EQ(record["reviews"][0]["state"], "approved");
  EXPECT_EQ(record["reviews"][0]["id"], "80");
  EXPECT_EQ(record["reviews"][0]["commit"], head);
  EXPECT_EQ(record["reviews"][0]["time"], "2026-01-02T10:00:00Z");
  EXPECT_EQ(record["approvers"], json::array({"bob"}));
}

TEST_F(ForgeApprovals, EveryPageOfReviewsCounts) {
  repo.write("lib/b.py", "y = 2\n");
  head = repo.commit("Change b");
  pull_request_event(42);
  answer_pull(42, "dana", head);
  // Page 1: a comment only; page 2: dave approves; page 3: bob approves. Only all three pages
  // together satisfy both owners.
  answer_reviews(json::array({review("bob", "COMMENTED", head, "2026-01-02T09:00:00Z", 1)}), "",
                 {{"Link", page_link(2, 3)}});
  answer_reviews(json::array({review("dave", "APPROVED", head, "2026-01-02T10:00:00Z", 2)}), "2",
                 {{"Link", page_link(3, 3)}});
  answer_reviews(json::array({review("bob", "APPROVED", head, "2026-01-02T11:00:00Z", 3)}), "3");
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  std::vector<std::string> asked = server.asked();
  EXPECT_EQ(std::count(asked.begin(), asked.end(), "/repos/acme/widgets/pulls/42/reviews?page=3"),
            1);
  EXPECT_EQ(predicate()["rules"][0]["record"]["approvers"], json::array({"bob", "dave"}));
}

TEST_F(ForgeApprovals, LatestReviewOfEachUserWins) {
  answer_reviews(json::array({review("bob", "APPROVED", head, "2026-01-02T10:00:00Z", 1),
                              review("bob", "CHANGES_REQUESTED", head, "2026-01-02T11:00:00Z", 2),
                              review("bob", "COMMENTED", head, "2026-01-02T12:00:00Z", 3)}));
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 1) << result.err << result.out;
  EXPECT_THAT(messages(result.out),
              ::testing::ElementsAre(HasSubstr("'src/a.py' needs approval from @bob")))
      << result.out;

  answer_reviews(json::array({review("bob", "CHANGES_REQUESTED", head, "2026-01-02T10:00:00Z", 1),
                              review("bob", "APPROVED", head, "2026-01-02T11:00:00Z", 2)}));
  result = check();
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(predicate()["rules"][0]["record"]["reviews"][0]["id"], "2");
}

TEST_F(ForgeApprovals, ApprovalOfAnOlderCommitIsStale) {
  answer_reviews(json::array({review("bob", "APPROVED", base, "2026-01-02T10:00:00Z", 1)}));
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 1) << result.err << result.out;
  EXPECT_THAT(messages(result.out).at(0),
              HasSubstr("approvals of an older commit do not count (dismiss-stale): bob"));
}

TEST_F(ForgeApprovals, TheAuthorsOwnApprovalIsIgnored) {
  answer_pull(42, "bob", head);  // bob opened the pull request and approves it himself
  answer_reviews(json::array({review("bob", "APPROVED", head, "2026-01-02T10:00:00Z", 1)}));
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 1) << result.err << result.out;
  EXPECT_THAT(messages(result.out).at(0), HasSubstr("[the author's own approval does not count]"));
  EXPECT_EQ(predicate()["rules"][0]["record"]["self"], json::array({"bob"}));
}

TEST_F(ForgeApprovals, TeamMembersComeFromTheApiElseFromThePolicy) {
  repo.write("docs/guide.md", "# Guide\n");
  head = repo.commit("Add a guide");
  pull_request_event(42);
  answer_pull(42, "dana", head);
  answer_reviews(json::array({review("bob", "APPROVED", head, "2026-01-02T10:00:00Z", 1),
                              review("octocat", "APPROVED", head, "2026-01-02T10:00:00Z", 2)}));
  // The token may read the team: GitHub's example member list (octocat).
  server.answer("/orgs/acme/teams/docs/members", {200, example("simple-user-items").dump()});
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(predicate()["rules"][0]["record"]["teams"]["@acme/docs"]["source"], "github-api");

  // GITHUB_TOKEN cannot read teams (403): the policy's teams: map (erin) decides, and says so.
  server.answer("/orgs/acme/teams/docs/members",
                {403, R"({"message": "Resource not accessible by integration"})"});
  result = check();
  EXPECT_EQ(result.exit_code, 1) << result.err << result.out;
  EXPECT_THAT(messages(result.out).at(0),
              HasSubstr("(members of @acme/docs from the policy's teams: (the token cannot read "
                        "the team's members (GitHub answered 403"));
  EXPECT_EQ(predicate()["rules"][0]["record"]["teams"]["@acme/docs"]["source"], "policy");
}

TEST_F(ForgeApprovals, MergeQueueFindsThePullRequestFromTheQueueBranch) {
  // The queue's commit: main with the pull request merged in, a commit no review names.
  repo.checkout("main");
  repo.git({"merge", "--no-ff", "-q", "-m", "Merge pull request #42", "feature"});
  std::string queue_head = repo.head();
  merge_group_event(queue_head);
  answer_reviews(json::array({review("bob", "APPROVED", head, "2026-01-02T10:00:00Z", 7)}));
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  json record = predicate()["rules"][0]["record"];
  EXPECT_EQ(record["changeId"], "42");
  EXPECT_EQ(record["reviewedHead"], head);
  EXPECT_EQ(predicate()["head"], queue_head);
}

struct Refusal {
  const char* name;
  int status;
  std::string body;
  std::map<std::string, std::string> headers;
  std::string line;  // the one line on stderr
};

class ForgeRefusals : public ForgeApprovals, public ::testing::WithParamInterface<Refusal> {};

TEST_P(ForgeRefusals, ExitTwoWithOneLineAndNoAttestation) {
  const Refusal& refusal = GetParam();
  answer_reviews(json::array());
  server.answer("/repos/acme/widgets/pulls/42/reviews",
                {refusal.status, refusal.body, refusal.headers});
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  std::string url = server_url() + "/repos/acme/widgets/pulls/42/reviews?per_page=100";
  EXPECT_EQ(error_lines(result.err),
            "gate: error: GitHub API GET " + url + ": " + refusal.line + "\n");
  EXPECT_EQ(result.out, "");
  EXPECT_FALSE(fs::exists(attestation()));
}

INSTANTIATE_TEST_SUITE_P(
    Answers, ForgeRefusals,
    ::testing::Values(
        Refusal{
            "Unauthorized",
            401,
            R"({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})",
            {},
            "401 Bad credentials: GitHub does not accept the token: pass the job's token to "
            "the step (`GITHUB_TOKEN: ${{ github.token }}`, which the action does by "
            "default)"},
        Refusal{
            "Forbidden",
            403,
            R"({"message": "Resource not accessible by integration", "documentation_url": "https://docs.github.com/rest/pulls/reviews#list-reviews-for-a-pull-request", "status": "403"})",
            {},
            "403 Resource not accessible by integration: the token may not read pull "
            "requests: add `pull-requests: read` to the workflow's permissions"},
        Refusal{
            "NotFound",
            404,
            R"({"message": "Not Found", "documentation_url": "https://docs.github.com/rest/pulls/reviews#list-reviews-for-a-pull-request", "status": "404"})",
            {},
            "404 Not Found: no pull request #42 in acme/widgets for this token: check "
            "GITHUB_REPOSITORY, and give the token `pull-requests: read` (a private "
            "repository answers 404 to tokens without it)"},
        Refusal{
            "SecondaryRateLimit",
            429,
            R"({"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"})",
            {{"Retry-After", "60"}},
            "rate limited (429 You have exceeded a secondary rate limit. Please wait a few "
            "minutes before you try again., retry after 60 s): run the job again after the "
            "reset, or use a token with its own limit"},
        Refusal{"MalformedJson",
                200,
                R"([{"id": 80, "user": {"login": "bob"}, "state": )",
                {},
                "the answer is not what GitHub sends (the answer is not JSON): check that "
                "GITHUB_API_URL names the GitHub REST API"}),
    [](const ::testing::TestParamInfo<Refusal>& info) { return std::string(info.param.name); });

TEST_F(ForgeApprovals, APageLinkToAnotherHostIsRefused) {
  // The token goes with every page: a Link elsewhere would hand it to that host.
  answer_reviews(json::array(), "",
                 {{"Link",
                   "<http://127.0.0.2:1/repos/acme/widgets/pulls/42/reviews?page=2>; "
                   "rel=\"next\""}});
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(error_lines(result.err), HasSubstr("is on another host than GITHUB_API_URL"));
  EXPECT_FALSE(fs::exists(attestation()));
}

TEST_F(ForgeApprovals, UnavailableIsTriedTwiceMoreThenExitTwo) {
  server.answer("/repos/acme/widgets/pulls/42/reviews", {503, "<html>Unicorn!</html>"});
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(error_lines(result.err),
              HasSubstr("/reviews?per_page=100: 503: the forge failed to answer; run the job "
                        "again, or pass --approvals FILE\n"));
  std::vector<std::string> asked = server.asked();
  EXPECT_EQ(std::count(asked.begin(), asked.end(), "/repos/acme/widgets/pulls/42/reviews"), 3);
  EXPECT_FALSE(fs::exists(attestation()));
}

TEST_F(ForgeApprovals, UnreachableApiIsOneLine) {
  RunResult result = check({{"GITHUB_API_URL", "http://127.0.0.1:1"}});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(error_lines(result.err),
              ::testing::StartsWith("gate: error: cannot reach the GitHub API at "
                                    "http://127.0.0.1:1/repos/acme/widgets/pulls/42 ("));
  EXPECT_THAT(error_lines(result.err),
              HasSubstr("): check GITHUB_API_URL and the runner's network, or pass --approvals "
                        "FILE\n"));
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 2);  // warning + error
}

TEST_F(ForgeApprovals, MissingTokenIsOneLineNamingTheVariable) {
  RunResult result = check({{"GITHUB_TOKEN", "\x01unset"}});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(error_lines(result.err),
            "gate: error: GITHUB_TOKEN is not set, so Gate cannot read the pull request's "
            "reviews: give the step `GITHUB_TOKEN: ${{ github.token }}` (the action does by "
            "default) and the workflow `pull-requests: read`, or pass --approvals FILE\n");
  EXPECT_FALSE(fs::exists(attestation()));
  EXPECT_TRUE(server.asked().empty());
}

TEST_F(ForgeApprovals, TheApprovalsFileWinsOverTheApi) {
  write_file(
      dir / "approvals.json",
      R"({"author": "dana", "approvals": [{"reviewer": "bob", "state": "approved", "commit": ")" +
          head + R"("}]})");
  std::map<std::string, std::string> env = github_env();
  RunResult result = run_gate({"check", "--repo", repo.dir(), "--no-github", "--format", "json",
                               "--approvals", (dir / "approvals.json").string()},
                              env);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_TRUE(server.asked().empty());
}

TEST(ForgeApprovalsGitlab, DocumentedMergeRequestApprovalsPassAChange) {
  GitRepo repo;
  TempDir dir;
  ForgeServer server;
  repo.write(".gate/policy.yaml", kPolicy);
  repo.write("CODEOWNERS", "/src/ @root\n");
  repo.commit("base");
  repo.branch("feature");
  repo.write("src/a.py", "x = 1\n");
  std::string head = repo.commit("Change a");
  const fs::path fixtures = kSource / "tests/process/fixtures";
  server.answer("/api/v4/projects/1234/merge_requests/17",
                {200, read_file(fixtures / "gitlab_merge_request.json")});
  server.answer("/api/v4/projects/1234/merge_requests/17/approvals",
                {200, read_file(fixtures / "gitlab_merge_request_approvals.json")});
  std::map<std::string, std::string> env = {
      {"GITLAB_CI", "true"},
      {"CI_PIPELINE_SOURCE", "merge_request_event"},
      {"CI_API_V4_URL", server.url() + "/api/v4"},
      {"CI_PROJECT_ID", "1234"},
      {"CI_PROJECT_PATH", "acme/widgets"},
      {"CI_MERGE_REQUEST_IID", "17"},
      {"CI_MERGE_REQUEST_DIFF_BASE_SHA", repo.git({"rev-parse", "main"})},
      {"CI_COMMIT_SHA", head},
      {"GATE_GITLAB_TOKEN", "glpat-test"},
      {"CI_JOB_TOKEN", "\x01unset"},
      {"GITLAB_USER_LOGIN", "someone"},
      {"NO_PROXY", "127.0.0.1"},
      {"no_proxy", "127.0.0.1"}};
  RunResult result = run_gate({"check", "--repo", repo.dir(), "--format", "json"}, env);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  ASSERT_EQ(server.tokens().size(), 2u);
  EXPECT_EQ(server.tokens()[0], "glpat-test");

  // No token at all: one line naming the variable to set, and GitLab is not asked.
  env["GATE_GITLAB_TOKEN"] = "\x01unset";
  size_t asked = server.asked().size();
  result = run_gate({"check", "--repo", repo.dir(), "--format", "json"}, env);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "gate: error: no GitLab API token, so Gate cannot read the merge request's approvals: "
            "set GATE_GITLAB_TOKEN (a project access token with read_api) in Settings > CI/CD > "
            "Variables, or pass --approvals FILE\n");
  EXPECT_EQ(server.asked().size(), asked);

  // The job token, which GitLab refuses for approvals: one line naming the variable to set.
  env["GATE_GITLAB_TOKEN"] = "\x01unset";
  env["CI_JOB_TOKEN"] = "job-token";
  server.answer("/api/v4/projects/1234/merge_requests/17",
                {401, R"({"message": "401 Unauthorized"})"});
  result = run_gate({"check", "--repo", repo.dir(), "--format", "json"}, env);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "gate: error: GitLab API GET " + server.url() +
                            "/api/v4/projects/1234/merge_requests/17: 401 401 Unauthorized: the "
                            "job token cannot read merge request approvals here: set "
                            "GATE_GITLAB_TOKEN (a project access token with read_api) in "
                            "Settings > CI/CD > Variables\n");
}

}  // namespace
}  // namespace gate::test
