// Where a run happens: GitHub Actions and GitLab CI as their documented variables and event
// payloads describe it, and local runs.
#include <gtest/gtest.h>

#include <map>

#include "gate/engine/context.hpp"
#include "gate/types/errors.hpp"
#include "tests/support/support.hpp"

namespace gate {
namespace {

const std::string kFixtures = std::string(GATE_SOURCE_DIR) + "/tests/ci/fixtures/";

Environment environment(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// The range a context asks Gate to judge and where each end of it came from ("" when unknown).
void expect_range(const CiContext& c, const std::string& base, const std::string& base_source,
                  const std::string& head, const std::string& head_source) {
  EXPECT_EQ(c.base.value_or(""), base);
  EXPECT_EQ(c.base_source, base_source);
  EXPECT_EQ(c.head.value_or(""), head);
  EXPECT_EQ(c.head_source, head_source);
}

const std::string kBase = "2222222222222222222222222222222222222222";
const std::string kHead = "1111111111111111111111111111111111111111";

std::map<std::string, std::string> github(const std::string& event, const std::string& payload) {
  return {{"CI", "true"},
          {"GITHUB_ACTIONS", "true"},
          {"GITHUB_EVENT_NAME", event},
          {"GITHUB_EVENT_PATH", payload},
          {"GITHUB_REPOSITORY", "acme/widgets"},
          {"GITHUB_SERVER_URL", "https://github.com"},
          {"GITHUB_RUN_ID", "7000000001"},
          {"GITHUB_ACTOR", "grace"},
          // For pull requests this is the merge commit GitHub made: never the head.
          {"GITHUB_SHA", "9999999999999999999999999999999999999999"},
          {"GITHUB_REF", "refs/pull/42/merge"},
          {"GITHUB_BASE_REF", "main"},
          {"GITHUB_HEAD_REF", "retrain"}};
}

void expect_input_error(const std::map<std::string, std::string>& vars, const std::string& file,
                        const std::string& needle) {
  try {
    detect_context(environment(vars));
    FAIL() << "expected InputError mentioning " << needle;
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), file);
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(GithubContext, PullRequestTakesBaseAndHeadFromThePayloadNotGithubSha) {
  CiContext c =
      detect_context(environment(github("pull_request", kFixtures + "github_pull_request.json")));
  EXPECT_EQ(c.provider, "github");
  EXPECT_EQ(c.event, "pull_request");
  EXPECT_EQ(c.repository, "acme/widgets");
  EXPECT_EQ(c.run_url, "https://github.com/acme/widgets/actions/runs/7000000001");
  EXPECT_EQ(c.actor, "grace");
  EXPECT_EQ(c.change_id, "42");
  EXPECT_EQ(c.target_branch, "main");
  expect_range(c, kBase, "GITHUB_EVENT_PATH pull_request.base.sha", kHead,
               "GITHUB_EVENT_PATH pull_request.head.sha");
}

TEST(GithubContext, PullRequestTargetReadsTheSamePayloadFields) {
  CiContext c = detect_context(
      environment(github("pull_request_target", kFixtures + "github_pull_request.json")));
  expect_range(c, kBase, "GITHUB_EVENT_PATH pull_request.base.sha", kHead,
               "GITHUB_EVENT_PATH pull_request.head.sha");
}

TEST(GithubContext, ReviewEventsJudgeThePullRequestRange) {
  // An approval re-runs the gate on `pull_request_review`, whose payload has the same object.
  CiContext c = detect_context(
      environment(github("pull_request_review", kFixtures + "github_pull_request.json")));
  expect_range(c, kBase, "GITHUB_EVENT_PATH pull_request.base.sha", kHead,
               "GITHUB_EVENT_PATH pull_request.head.sha");
  EXPECT_EQ(c.change_id, "42");
}

TEST(GithubContext, EnterpriseServerUrlMakesTheRunUrl) {
  auto vars = github("pull_request", kFixtures + "github_pull_request.json");
  vars["GITHUB_SERVER_URL"] = "https://ghe.example.com";
  EXPECT_EQ(detect_context(environment(vars)).run_url,
            "https://ghe.example.com/acme/widgets/actions/runs/7000000001");
}

TEST(GithubContext, PushJudgesBeforeToAfter) {
  auto vars = github("push", kFixtures + "github_push.json");
  vars["GITHUB_SHA"] = "4444444444444444444444444444444444444444";
  vars["GITHUB_REF"] = "refs/heads/main";
  CiContext c = detect_context(environment(vars));
  expect_range(c, "3333333333333333333333333333333333333333", "GITHUB_EVENT_PATH before",
               "4444444444444444444444444444444444444444", "GITHUB_EVENT_PATH after");
  EXPECT_EQ(c.target_branch, "main");
  EXPECT_EQ(c.change_id, "");
}

TEST(GithubContext, PushOfANewBranchIsJudgedAgainstThePayloadsDefaultBranch) {
  // The payload names the default branch ("trunk"): no guess from origin/HEAD, main or master.
  CiContext c =
      detect_context(environment(github("push", kFixtures + "github_push_new_branch.json")));
  expect_range(c, "refs/remotes/origin/trunk", "GITHUB_EVENT_PATH repository.default_branch",
               "4444444444444444444444444444444444444444", "GITHUB_EVENT_PATH after");
}

TEST(GithubContext, DispatchedRunIsJudgedAgainstThePayloadsDefaultBranch) {
  test::TempDir dir;
  test::write_file(
      dir / "event.json",
      "{\"ref\": \"refs/heads/x\", \"repository\": {\"default_branch\": \"develop\"}}");
  CiContext c =
      detect_context(environment(github("workflow_dispatch", (dir / "event.json").string())));
  expect_range(c, "refs/remotes/origin/develop", "GITHUB_EVENT_PATH repository.default_branch",
               "9999999999999999999999999999999999999999", "GITHUB_SHA");
}

TEST(GithubContext, HostileDefaultBranchNeverReachesGit) {
  test::TempDir dir;
  test::write_file(dir / "event.json",
                   "{\"repository\": {\"default_branch\": \"--upload-pack=x\"}}");
  expect_input_error(github("workflow_dispatch", (dir / "event.json").string()), "",
                     "not a branch name");
}

TEST(GithubContext, MergeGroupJudgesTheQueuedChange) {
  CiContext c =
      detect_context(environment(github("merge_group", kFixtures + "github_merge_group.json")));
  expect_range(c, kBase, "GITHUB_EVENT_PATH merge_group.base_sha",
               "6666666666666666666666666666666666666666",
               "GITHUB_EVENT_PATH merge_group.head_sha");
  EXPECT_EQ(c.target_branch, "main");
}

TEST(GithubContext, OtherEventsOnlyKnowTheHead) {
  auto vars = github("workflow_dispatch", "");
  CiContext c = detect_context(environment(vars));
  expect_range(c, "", "", "9999999999999999999999999999999999999999", "GITHUB_SHA");
}

TEST(GithubContext, MalformedPayloadNamesTheFileAndPosition) {
  std::string path = kFixtures + "github_truncated.json";
  expect_input_error(github("pull_request", path), path, "not valid JSON");
  try {
    detect_context(environment(github("pull_request", path)));
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 4u);
  }
}

TEST(GithubContext, MissingPayloadFileIsAnInputError) {
  std::string path = kFixtures + "does-not-exist.json";
  expect_input_error(github("pull_request", path), path, "cannot read");
}

TEST(GithubContext, PayloadOfAnotherEventIsAnInputError) {
  std::string path = kFixtures + "github_push.json";
  expect_input_error(github("pull_request", path), path, "pull_request.base.sha");
}

TEST(GithubContext, HostileShaInThePayloadNeverReachesGit) {
  std::string path = kFixtures + "github_hostile_sha.json";
  expect_input_error(github("pull_request", path), path, "not a commit id");
}

TEST(GithubContext, PayloadThatIsNotAnObjectIsAnInputError) {
  test::TempDir dir;
  test::write_file(dir / "event.json", "[1, 2]");
  expect_input_error(github("pull_request", (dir / "event.json").string()),
                     (dir / "event.json").string(), "not a JSON object");
}

TEST(GithubContext, PullRequestWithoutEventPathIsAnInputError) {
  auto vars = github("pull_request", "");
  EXPECT_THROW(detect_context(environment(vars)), InputError);
}

std::map<std::string, std::string> gitlab_merge_request() {
  return {{"CI", "true"},
          {"GITLAB_CI", "true"},
          {"CI_PIPELINE_SOURCE", "merge_request_event"},
          {"CI_PROJECT_PATH", "acme/ml/widgets"},
          {"CI_SERVER_URL", "https://gitlab.example.com"},
          {"CI_PIPELINE_URL", "https://gitlab.example.com/acme/ml/widgets/-/pipelines/555"},
          {"GITLAB_USER_LOGIN", "grace"},
          {"CI_MERGE_REQUEST_IID", "17"},
          {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"},
          {"CI_MERGE_REQUEST_DIFF_BASE_SHA", "2222222222222222222222222222222222222222"},
          {"CI_MERGE_REQUEST_TARGET_BRANCH_SHA", ""},
          {"CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", ""},
          {"CI_COMMIT_SHA", "1111111111111111111111111111111111111111"},
          {"CI_COMMIT_BEFORE_SHA", "0000000000000000000000000000000000000000"}};
}

TEST(GitlabContext, MergeRequestPipelineJudgesWithTheTargetBranchTip) {
  CiContext c = detect_context(environment(gitlab_merge_request()));
  EXPECT_EQ(c.provider, "gitlab");
  EXPECT_EQ(c.event, "merge_request_event");
  EXPECT_EQ(c.repository, "acme/ml/widgets");
  EXPECT_EQ(c.server_url, "https://gitlab.example.com");
  EXPECT_EQ(c.run_url, "https://gitlab.example.com/acme/ml/widgets/-/pipelines/555");
  EXPECT_EQ(c.actor, "grace");
  EXPECT_EQ(c.change_id, "17");
  EXPECT_EQ(c.target_branch, "main");
  // The policy of the target's tip judges, as on GitHub; the change stays merge-base..head.
  expect_range(c, "refs/remotes/origin/main", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME", kHead,
               "CI_COMMIT_SHA");
}

TEST(GitlabContext, MergeRequestWithoutTargetNameFallsBackToTheDiffBase) {
  auto vars = gitlab_merge_request();
  vars.erase("CI_MERGE_REQUEST_TARGET_BRANCH_NAME");
  expect_range(detect_context(environment(vars)), kBase, "CI_MERGE_REQUEST_DIFF_BASE_SHA", kHead,
               "CI_COMMIT_SHA");
}

TEST(GitlabContext, MergedResultsPipelineJudgesTheSourceBranchHead) {
  auto vars = gitlab_merge_request();
  vars["CI_COMMIT_SHA"] = "9999999999999999999999999999999999999999";  // GitLab's merge commit
  vars["CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"] = "1111111111111111111111111111111111111111";
  vars["CI_MERGE_REQUEST_TARGET_BRANCH_SHA"] = "5555555555555555555555555555555555555555";
  CiContext c = detect_context(environment(vars));
  expect_range(c, "5555555555555555555555555555555555555555", "CI_MERGE_REQUEST_TARGET_BRANCH_SHA",
               kHead, "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA");
}

TEST(GitlabContext, BranchPipelineUsesTheCommitBefore) {
  std::map<std::string, std::string> vars = {
      {"GITLAB_CI", "true"},
      {"CI_PIPELINE_SOURCE", "push"},
      {"CI_PROJECT_PATH", "acme/widgets"},
      {"CI_COMMIT_BRANCH", "main"},
      {"CI_COMMIT_BEFORE_SHA", "3333333333333333333333333333333333333333"},
      {"CI_COMMIT_SHA", "4444444444444444444444444444444444444444"}};
  CiContext c = detect_context(environment(vars));
  expect_range(c, "3333333333333333333333333333333333333333", "CI_COMMIT_BEFORE_SHA",
               "4444444444444444444444444444444444444444", "CI_COMMIT_SHA");
  EXPECT_EQ(c.change_id, "");
  EXPECT_EQ(c.target_branch, "main");
}

TEST(GitlabContext, FirstPipelineOfABranchIsJudgedAgainstCiDefaultBranch) {
  std::map<std::string, std::string> vars = {
      {"GITLAB_CI", "true"},
      {"CI_PIPELINE_SOURCE", "push"},
      {"CI_DEFAULT_BRANCH", "trunk"},
      {"CI_COMMIT_BEFORE_SHA", "0000000000000000000000000000000000000000"},
      {"CI_COMMIT_SHA", "4444444444444444444444444444444444444444"}};
  CiContext c = detect_context(environment(vars));
  expect_range(c, "refs/remotes/origin/trunk", "CI_DEFAULT_BRANCH",
               "4444444444444444444444444444444444444444", "CI_COMMIT_SHA");
}

TEST(GitlabContext, FirstPipelineOfABranchHasNoBase) {
  std::map<std::string, std::string> vars = {
      {"GITLAB_CI", "true"},
      {"CI_PIPELINE_SOURCE", "push"},
      {"CI_COMMIT_BEFORE_SHA", "0000000000000000000000000000000000000000"},
      {"CI_COMMIT_SHA", "4444444444444444444444444444444444444444"}};
  CiContext c = detect_context(environment(vars));
  expect_range(c, "", "", "4444444444444444444444444444444444444444", "CI_COMMIT_SHA");
}

TEST(GitlabContext, HostileVariableIsAnInputError) {
  auto vars = gitlab_merge_request();
  vars["CI_MERGE_REQUEST_TARGET_BRANCH_SHA"] = "HEAD~1; rm -rf /";
  EXPECT_THROW(detect_context(environment(vars)), InputError);
  vars = gitlab_merge_request();
  vars["CI_MERGE_REQUEST_TARGET_BRANCH_NAME"] = "main..HEAD";
  EXPECT_THROW(detect_context(environment(vars)), InputError);
}

TEST(LocalContext, NoCiVariablesMeansLocal) {
  CiContext c = detect_context(environment({{"USER", "ada"}, {"GITHUB_ACTIONS", "false"}}));
  EXPECT_EQ(c.provider, "local");
  EXPECT_EQ(c.actor, "ada");
  EXPECT_FALSE(c.base.has_value());
  EXPECT_FALSE(c.head.has_value());
}

}  // namespace
}  // namespace gate
