// The GitLab template in a pipeline that gitlab-ci-local runs (shell executor), in a merge
// request pipeline and in a merge train's: the only approvals are those GitLab's API gives,
// served on 127.0.0.1 from GitLab's documented bodies (tests/process/fixtures/), with
// CI_API_V4_URL pointing there as GitLab sets it. No approvals file, no approvals job.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/ci/ci_tools.hpp"
#include "tests/process/forge_server.hpp"
#include "tests/support/support.hpp"

namespace gate {
namespace {

namespace fs = std::filesystem;
const fs::path kSource = GATE_SOURCE_DIR;

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// A project whose policy wants the owner of src/ (GitLab user `root`, who approved in GitLab's
// documented approvals body) to approve, and a merge request branch changing src/.
struct ApprovalsProject {
  test::GitRepo repo;
  test::ForgeServer gitlab;
  std::string base, head;

  ApprovalsProject() {
    repo.write(".gitlab-ci.yml", "include:\n  - local: gate.gitlab-ci.yml\n");
    fs::copy_file(kSource / "ci-examples/gitlab/gate.gitlab-ci.yml",
                  repo.path() / "gate.gitlab-ci.yml");
    repo.write(".gate/policy.yaml",
               "version: 1\n"
               "rules:\n"
               "  - id: owners\n"
               "    type: codeowners-approval\n"
               "    dismiss-stale: true\n");
    repo.write("CODEOWNERS", "/src/ @root\n");
    repo.write("src/app.py", "print('hello')\n");
    base = repo.commit("Start");
    repo.branch("feature");
    repo.write("src/app.py", "print('hello, world')\n");
    head = repo.commit("Greet the world");
    // gitlab-ci-local takes the project's path from `gcl-origin`; the template's job fetches the
    // target branch from `origin`, here the repository itself.
    repo.git({"remote", "add", "gcl-origin", "git@gitlab.example.com:acme/widgets.git"});
    repo.git({"remote", "add", "origin", repo.dir()});
    const fs::path fixtures = kSource / "tests/process/fixtures";
    gitlab.answer("/api/v4/projects/1234/merge_requests/17",
                  {200, test::read_file(fixtures / "gitlab_merge_request.json")});
    gitlab.answer("/api/v4/projects/1234/merge_requests/17/approvals",
                  {200, test::read_file(fixtures / "gitlab_merge_request_approvals.json")});
  }

  // The merge request's pipeline variables, as GitLab sets them (gitlab-ci-local sets
  // GITLAB_CI=false of its own, to tell scripts they run locally).
  std::vector<std::string> merge_request_variables() const {
    return {"GITLAB_CI=true",
            "CI_PIPELINE_SOURCE=merge_request_event",
            "CI_MERGE_REQUEST_IID=17",
            "CI_MERGE_REQUEST_EVENT_TYPE=detached",
            "CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main",
            "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME=feature",
            "CI_MERGE_REQUEST_DIFF_BASE_SHA=" + base,
            "CI_PROJECT_ID=1234",
            "CI_API_V4_URL=" + gitlab.url() + "/api/v4",
            "GATE_GITLAB_TOKEN=glpat-test"};
  }

  test::RunResult run_gate_job(const fs::path& tools, const std::vector<std::string>& variables) {
    std::vector<std::string> args = {(tools / "gitlab-ci-local").string(), "gate",
                                     "--force-shell-executor"};
    for (const auto& variable : variables) args.insert(args.end(), {"--variable", variable});
    std::map<std::string, std::string> env = {
        {"HOME", repo.dir()},
        {"PATH", fs::path(GATE_BINARY).parent_path().string() + ":" + std::getenv("PATH")},
        {"NO_PROXY", "127.0.0.1"},
        {"no_proxy", "127.0.0.1"},
        {"GATE_GITLAB_TOKEN", "\x01unset"},
        {"CI_JOB_TOKEN", "\x01unset"}};
    return test::run(args, env, repo.path());
  }

  size_t approvals_asked() {
    size_t n = 0;
    for (const auto& path : gitlab.asked()) {
      n += path == "/api/v4/projects/1234/merge_requests/17/approvals";
    }
    return n;
  }
};

TEST(GitlabPipelineApprovals, AMergeRequestPassesOnTheApprovalsOfTheApiAlone) {
  std::string why;
  auto tools = test::ci_tools("gitlab", why);
  if (!tools) GTEST_SKIP() << "gitlab-ci-local not available: " << why;
  ApprovalsProject project;
  test::RunResult job = project.run_gate_job(*tools, project.merge_request_variables());
  EXPECT_EQ(job.exit_code, 0) << job.out << job.err;
  EXPECT_TRUE(contains(job.out, "PASS")) << job.out;
  EXPECT_EQ(project.approvals_asked(), 1u) << job.out;
  std::vector<std::string> tokens = project.gitlab.tokens();
  ASSERT_FALSE(tokens.empty());
  EXPECT_EQ(tokens.front(), "glpat-test");
  EXPECT_FALSE(fs::exists(project.repo.path() / "approvals.json"));

  // The same pipeline when GitLab's answer holds no approval: the owner's rule fails the job, so
  // the pass above came from the API's approvals.
  std::string none = test::read_file(kSource /
                                     "tests/process/fixtures/"
                                     "gitlab_merge_request_approvals.json");
  size_t at = none.find("\"approved_by\"");
  ASSERT_NE(at, std::string::npos);
  size_t open = none.find('[', at);
  size_t close = none.find(']', open);
  none.replace(open, close - open + 1, "[]");
  project.gitlab.answer("/api/v4/projects/1234/merge_requests/17/approvals", {200, none});
  test::RunResult unapproved = project.run_gate_job(*tools, project.merge_request_variables());
  EXPECT_EQ(unapproved.exit_code, 1) << unapproved.out << unapproved.err;
  EXPECT_TRUE(contains(unapproved.out, "owners")) << unapproved.out;
  EXPECT_EQ(project.approvals_asked(), 2u);
}

TEST(GitlabPipelineApprovals, AMergeTrainPassesOnTheApprovalsOfTheMergeRequest) {
  std::string why;
  auto tools = test::ci_tools("gitlab", why);
  if (!tools) GTEST_SKIP() << "gitlab-ci-local not available: " << why;
  ApprovalsProject project;
  // The target branch moved on; the train's commit merges the merge request onto it, and the
  // pipeline runs on that merge commit (CI_COMMIT_SHA) with the source branch's head named.
  project.repo.checkout("main");
  project.repo.write("README.md", "widgets\n");
  std::string target = project.repo.commit("Describe the project");
  project.repo.branch("train");
  project.repo.git({"merge", "--no-ff", "-m", "Merge branch 'feature' into 'main'", "feature"});
  std::string train = project.repo.head();
  std::vector<std::string> variables = project.merge_request_variables();
  for (auto& variable : variables) {
    if (variable.rfind("CI_MERGE_REQUEST_EVENT_TYPE=", 0) == 0) {
      variable = "CI_MERGE_REQUEST_EVENT_TYPE=merge_train";
    }
  }
  variables.push_back("CI_MERGE_REQUEST_TARGET_BRANCH_SHA=" + target);
  variables.push_back("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA=" + project.head);
  test::RunResult job = project.run_gate_job(*tools, variables);
  EXPECT_EQ(job.exit_code, 0) << job.out << job.err;
  EXPECT_TRUE(contains(job.out, "PASS")) << job.out;
  EXPECT_EQ(project.approvals_asked(), 1u) << job.out;
  // Judged: the merge request's own head, not the train's merge commit.
  EXPECT_TRUE(contains(
      job.out, "head " + project.head.substr(0, 12) + " from CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"))
      << job.out;
  EXPECT_TRUE(contains(job.out,
                       "base " + target.substr(0, 12) + " from CI_MERGE_REQUEST_TARGET_BRANCH_SHA"))
      << job.out;
  EXPECT_FALSE(contains(job.out, train.substr(0, 12))) << job.out;
}

}  // namespace
}  // namespace gate
