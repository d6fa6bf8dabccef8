// GitHub feedback is on by default under Actions: whatever --format asks for, the run writes
// annotations (security findings first), the step summary and the outputs; --no-github turns
// it off; a run that cannot judge (exit 2) says so in an annotation and the outputs too.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/support/support.hpp"

namespace gate {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

std::vector<std::string> workflow_commands(const std::string& out) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    std::string line = out.substr(start, end == std::string::npos ? end : end - start);
    if (line.rfind("::", 0) == 0) lines.push_back(line);
    start = end == std::string::npos ? out.size() : end + 1;
  }
  return lines;
}

// Twelve oversized files (errors of a non-security rule, sorted first by path) and one leaked
// AWS key in a file that sorts last: the key must still get an annotation slot.
struct CrowdedChange {
  test::GitRepo repo;
  test::TempDir runner;
  std::string base, head;

  explicit CrowdedChange(const std::string& policy_extra = "") {
    repo.write(".gate/policy.yaml",
               "version: 1\n"
               "rules:\n"
               "  - id: big-files\n"
               "    type: max-file-size\n"
               "    limit: 100B\n"
               "  - id: no-secrets\n"
               "    type: secrets\n" +
                   policy_extra);
    repo.write("README.md", "demo\n");
    repo.commit("Start");
    base = repo.head();
    repo.branch("change");
    for (int i = 10; i < 22; ++i) {
      repo.write("a/blob" + std::to_string(i) + ".bin", std::string(200, 'x'));
    }
    repo.write("zz/config.py", "aws_access_key_id = \"AKIAZ3MSJ5KQW7RX2PLN\"\n");
    repo.commit("Add blobs and a config");
    head = repo.head();
    test::write_file(runner / "event.json",
                     "{\"pull_request\": {\"number\": 42, \"base\": {\"sha\": \"" + base +
                         "\", \"ref\": \"main\"}, \"head\": {\"sha\": \"" + head +
                         "\"}}, \"repository\": {\"default_branch\": \"main\"}}");
  }

  std::map<std::string, std::string> github_env() const {
    return {{"GITHUB_ACTIONS", "true"},
            {"GITHUB_EVENT_NAME", "pull_request"},
            {"GITHUB_EVENT_PATH", (runner / "event.json").string()},
            {"GITHUB_REPOSITORY", "acme/widgets"},
            {"GITHUB_OUTPUT", (runner / "output").string()},
            {"GITHUB_STEP_SUMMARY", (runner / "summary.md").string()}};
  }

  std::string read_runner(const char* name) const {
    return fs::exists(runner / name) ? test::read_file(runner / name) : std::string();
  }
};

TEST(GithubFeedback, SarifOnlyStillWritesAnnotationsSummaryAndOutputsSecurityFirst) {
  CrowdedChange c;
  fs::path sarif = c.runner / "gate.sarif";
  test::RunResult r = test::run_gate({"check", "--format", "sarif=" + sarif.string()},
                                     c.github_env(), c.repo.path());
  ASSERT_EQ(r.exit_code, 1) << r.err;

  std::vector<std::string> commands = workflow_commands(r.out);
  ASSERT_GE(commands.size(), 2u) << r.out;
  // The leaked key takes the first error slot although its path sorts last.
  EXPECT_TRUE(contains(commands[0], "::error file=zz/config.py,line=1")) << commands[0];
  EXPECT_TRUE(contains(commands[0], "no-secrets")) << commands[0];
  size_t errors = 0;
  for (const auto& line : commands) errors += line.rfind("::error ", 0) == 0 ? 1 : 0;
  EXPECT_EQ(errors, 10u);
  EXPECT_TRUE(contains(commands.back(), "3 more findings not shown as annotations"))
      << commands.back();

  std::string summary = c.read_runner("summary.md");
  EXPECT_TRUE(contains(summary, "## Gate: ❌ fail")) << summary;
  EXPECT_TRUE(contains(summary, "3 findings not annotated")) << summary;
  std::string outputs = c.read_runner("output");
  EXPECT_TRUE(contains(outputs, "verdict<<")) << outputs;
  EXPECT_TRUE(contains(outputs, "\nfail\n")) << outputs;
  EXPECT_TRUE(contains(outputs, "\n13\n")) << outputs;

  // Whole-file results carry a region at line 1, as code scanning needs.
  auto doc = nlohmann::json::parse(test::read_file(sarif));
  size_t results = 0;
  for (const auto& run : doc["runs"]) {
    for (const auto& result : run["results"]) {
      ++results;
      EXPECT_GE(result["locations"][0]["physicalLocation"]["region"]["startLine"].get<int>(), 1)
          << result.dump();
    }
  }
  EXPECT_EQ(results, 13u);
}

TEST(GithubFeedback, NoGithubSwitchesItOff) {
  CrowdedChange c;
  test::RunResult r =
      test::run_gate({"check", "--no-github", "--format", "text"}, c.github_env(), c.repo.path());
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(workflow_commands(r.out).empty()) << r.out;
  EXPECT_EQ(c.read_runner("output"), "");
  EXPECT_EQ(c.read_runner("summary.md"), "");
}

TEST(GithubFeedback, MachineReportOnStdoutStaysParseable) {
  CrowdedChange c;
  test::RunResult r = test::run_gate({"check", "--format", "json"}, c.github_env(), c.repo.path());
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(nlohmann::json::accept(r.out)) << r.out.substr(0, 200);
  // The runner reads workflow commands on stderr as well.
  EXPECT_TRUE(contains(r.err, "::error file=zz/config.py")) << r.err;
  EXPECT_TRUE(contains(c.read_runner("output"), "\nfail\n"));
}

TEST(GithubFeedback, ExitTwoIsAnErrorAnnotationAndAnOutput) {
  // A misspelt key in the base revision's policy: the run cannot judge.
  CrowdedChange c("  - id: small\n    tpye: max-file-size\n    limit: 1MB\n");
  test::RunResult r =
      test::run_gate({"check", "--format", "sarif=" + (c.runner / "x.sarif").string()},
                     c.github_env(), c.repo.path());
  ASSERT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, ".gate/policy.yaml:9:5:")) << r.err;
  EXPECT_TRUE(contains(r.err, "unknown key 'tpye' (did you mean 'type'?)")) << r.err;
  std::vector<std::string> commands = workflow_commands(r.out);
  ASSERT_EQ(commands.size(), 1u) << r.out;
  EXPECT_TRUE(contains(commands[0], "::error file=.gate/policy.yaml,line=9,title=Gate error::"))
      << commands[0];
  EXPECT_TRUE(contains(commands[0], "did you mean 'type'?")) << commands[0];
  std::string outputs = c.read_runner("output");
  EXPECT_TRUE(contains(outputs, "verdict<<")) << outputs;
  EXPECT_TRUE(contains(outputs, "\nerror\n")) << outputs;
  EXPECT_TRUE(contains(c.read_runner("summary.md"), "## Gate: 💥 error"));
  EXPECT_FALSE(fs::exists(c.runner / "x.sarif"));  // nothing half-written
}

TEST(JunitReport, WarningsAndNoticesAreNotFailures) {
  test::GitRepo repo;
  repo.write(".gate/policy.yaml",
             "version: 1\n"
             "rules:\n"
             "  - id: small-files\n"
             "    type: max-file-size\n"
             "    severity: warning\n"
             "    limit: 100B\n");
  repo.write("README.md", "demo\n");
  repo.commit("Start");
  std::string base = repo.head();
  repo.write("big.bin", std::string(200, 'x'));
  repo.commit("Add a big file");
  test::TempDir out;
  test::RunResult r =
      test::run_gate({"check", "--base", base, "--format", "junit=" + (out / "junit.xml").string()},
                     {}, repo.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string xml = test::read_file(out / "junit.xml");
  EXPECT_TRUE(contains(xml, "<testsuites name=\"gate\" tests=\"1\" failures=\"0\"")) << xml;
  EXPECT_FALSE(contains(xml, "<failure")) << xml;
  EXPECT_TRUE(contains(xml, "1 warning-level finding, reported but not blocking:")) << xml;
}

}  // namespace
}  // namespace gate
