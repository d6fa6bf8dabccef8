// End-to-end tests of `gate check`: real repositories in temp folders, the built binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/support.hpp"

namespace gate::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const char* kPolicy = R"(version: 1
owners: ["@acme/compliance"]
assets:
  code: { paths: ["src/**"] }
  model: { paths: ["models/**"] }
rules:
  - id: no-private-keys
    type: forbidden-paths
    paths: ["**/*.pem", "**/.env"]
  - id: small-files
    type: max-file-size
    limit: 1kB
  - id: model-updates-metrics
    type: co-change
    if: ["models/**/*.bin"]
    then: ["models/**/metrics.json"]
)";

class CheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo.write(".gate/policy.yaml", kPolicy);
    repo.write("src/app.py", "print('hello')\n");
    base = repo.commit("base");
    repo.branch("feature");
  }

  RunResult check(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"check", "--repo", repo.dir(), "--base", "main"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_gate(args);
  }

  nlohmann::json check_json(std::vector<std::string> extra = {}) {
    extra.push_back("--format");
    extra.push_back("json");
    RunResult result = check(extra);
    EXPECT_NE(result.exit_code, 2) << result.err;
    return nlohmann::json::parse(result.out);
  }

  GitRepo repo;
  std::string base;
};

TEST_F(CheckTest, CleanChangePassesWithExitZero) {
  repo.write("src/app.py", "print('hello world')\n");
  repo.commit("tweak");
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("PASS: 0 errors"));
}

TEST_F(CheckTest, ForbiddenPathBlocksWithExitOne) {
  repo.write("deploy/server.pem", "-----BEGIN PRIVATE KEY-----\n");
  repo.commit("add key");
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.out, HasSubstr("FAIL  no-private-keys (forbidden-paths, error)"));
  EXPECT_THAT(result.out,
              HasSubstr("deploy/server.pem: 'deploy/server.pem' is a forbidden path (added)"));
  EXPECT_THAT(result.out, HasSubstr("the merge is blocked"));
}

TEST_F(CheckTest, DeletingAForbiddenFileIsAllowed) {
  repo.checkout("main");
  repo.write(".env", "A=1\n");
  repo.commit("legacy env");
  repo.branch("cleanup");
  repo.remove(".env");
  repo.commit("remove env");
  EXPECT_EQ(check().exit_code, 0);
}

TEST_F(CheckTest, MaxFileSizeReportsTheSize) {
  repo.write("src/big.txt", std::string(1500, 'x'));
  repo.commit("big");
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(
      result.out,
      HasSubstr("src/big.txt: 'src/big.txt' is 1.5 kB, over the limit of 1kB (1500 > 1000 bytes)"));
}

TEST_F(CheckTest, CoChangeNeedsTheCompanion) {
  repo.write("models/m/model.bin", "weights");
  repo.commit("model only");
  EXPECT_EQ(check().exit_code, 1);
  repo.write("models/m/metrics.json", "{}");
  repo.commit("metrics");
  EXPECT_EQ(check().exit_code, 0);
}

TEST_F(CheckTest, WarnModeReportsButExitsZero) {
  repo.write("a.pem", "key");
  repo.commit("key");
  RunResult result = check({"--mode", "warn"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_THAT(result.out, HasSubstr("(warn mode: not blocking)"));
}

TEST_F(CheckTest, PolicyComesFromTheBaseRevisionNotTheChange) {
  // The change deletes the rule that would block it: it is still judged by the base policy.
  repo.write(".gate/policy.yaml", "version: 1\nrules: []\n");
  repo.write("secret.pem", "key");
  repo.commit("weaken policy and add key");
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.out, HasSubstr("secret.pem: 'secret.pem' is a forbidden path"));
  EXPECT_THAT(result.out, HasSubstr("policy: base:" + base + ":.gate/policy.yaml"));
}

TEST_F(CheckTest, PolicyFlagOverridesAndSaysSo) {
  TempDir dir;
  write_file(dir / "trial.yaml", "version: 1\nrules: []\n");
  repo.write("secret.pem", "key");
  repo.commit("key");
  RunResult result = check({"--policy", (dir / "trial.yaml").string()});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_THAT(result.out, HasSubstr("local trial: not the base revision's policy"));
}

TEST_F(CheckTest, NoPolicyAtBaseUsesTheBuiltInDefault) {
  GitRepo bare_policy;
  bare_policy.write("README.md", "hi\n");
  bare_policy.commit("init");
  bare_policy.branch("feature");
  bare_policy.write("config/.env", "TOKEN=1\n");
  bare_policy.commit("env");
  RunResult result = run_gate({"check", "--repo", bare_policy.dir(), "--base", "main"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_THAT(result.out, HasSubstr("policy: built-in default"));
  EXPECT_THAT(result.out, HasSubstr("config/.env: 'config/.env' is a forbidden path"));
}

TEST_F(CheckTest, JudgesFromTheMergeBaseLikeAMergeRequest) {
  // main moves on after the branch point; its new files are not part of the change.
  repo.write("src/feature.py", "x = 1\n");
  repo.commit("feature work");
  repo.checkout("main");
  repo.write("unrelated.pem", "key on main");
  repo.commit("main moves on");
  repo.checkout("feature");
  nlohmann::json report = check_json();
  EXPECT_EQ(report["verdict"], "pass");
  EXPECT_EQ(report["merge_base"], base);
  EXPECT_EQ(report["summary"]["files"], 1);
}

TEST_F(CheckTest, JsonReportHasTheDocumentedShape) {
  repo.write("x.pem", "key");
  std::string head = repo.commit("key");
  RunResult result = check({"--format", "json"});
  ASSERT_EQ(result.exit_code, 1) << result.err;
  nlohmann::json report = nlohmann::json::parse(result.out);
  EXPECT_EQ(report["schema_version"], 1);
  EXPECT_EQ(report["verdict"], "fail");
  EXPECT_EQ(report["exit_code"], 1);
  EXPECT_EQ(report["head"]["commit"], head);
  EXPECT_EQ(report["base"]["source"], "--base");
  ASSERT_EQ(report["rules"].size(), 3u);
  EXPECT_EQ(report["rules"][0]["status"], "fail");
  EXPECT_EQ(report["rules"][1]["status"], "pass");
  EXPECT_EQ(report["rules"][2]["status"], "skipped");
  ASSERT_EQ(report["findings"].size(), 1u);
  const auto& finding = report["findings"][0];
  EXPECT_EQ(finding["rule_id"], "no-private-keys");
  EXPECT_EQ(finding["path"], "x.pem");
  EXPECT_EQ(finding["severity"], "error");
  EXPECT_EQ(finding["fingerprint"].get<std::string>().size(), 64u);
}

TEST_F(CheckTest, SameInputsGiveTheSameBytes) {
  repo.write("a.pem", "k");
  repo.write("b/.env", "k");
  repo.write("models/x.bin", "w");
  repo.commit("several findings");
  RunResult first = check({"--format", "json"});
  RunResult second = check({"--format", "json", "--threads", "1"});
  EXPECT_EQ(first.out, second.out);
  EXPECT_EQ(check().out, check().out);
}

TEST_F(CheckTest, FingerprintSurvivesLineShifts) {
  // A line-level finding, then the same secret pushed down by lines added above it in the same
  // file: the line moves, the fingerprint does not.
  TempDir trial;
  write_file(trial / "policy.yaml", "version: 1\nrules:\n  - id: no-secrets\n    type: secrets\n");
  std::vector<std::string> with_secrets = {"--policy", (trial / "policy.yaml").string()};
  const std::string secret = "token = \"ghp_" + std::string("Zx8Qw2Er5Ty7Ui9Op1As3Df6Gh4Jk0Lm2Nb") + "\"\n";
  repo.write("src/config.py", secret);
  repo.commit("config");
  nlohmann::json before = check_json(with_secrets)["findings"];
  ASSERT_EQ(before.size(), 1u) << before.dump();
  EXPECT_EQ(before[0]["path"], "src/config.py");
  EXPECT_EQ(before[0]["start_line"], 1);

  repo.write("src/config.py", "# settings\nimport os\n\n" + secret);
  repo.commit("config shifted");
  nlohmann::json after = check_json(with_secrets)["findings"];
  ASSERT_EQ(after.size(), 1u) << after.dump();
  EXPECT_EQ(after[0]["path"], "src/config.py");
  EXPECT_EQ(after[0]["start_line"], 4);  // the control: the finding really moved
  EXPECT_EQ(before[0]["fingerprint"], after[0]["fingerprint"]);
}

TEST_F(CheckTest, OutputFileIsWrittenWholeAndStdoutStaysClean) {
  TempDir out;
  repo.write("k.pem", "k");
  repo.commit("k");
  std::string file = (out / "report.json").string();
  RunResult result = check({"--format", "json", "--output", file});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(nlohmann::json::parse(read_file(file))["verdict"], "fail");
}

TEST_F(CheckTest, SeveralFormatsToSeveralFiles) {
  TempDir out;
  RunResult result = check({"--format", "json=" + (out / "r.json").string(), "--format",
                            "text=" + (out / "r.txt").string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(read_file(out / "r.txt"), HasSubstr("PASS"));
  EXPECT_EQ(nlohmann::json::parse(read_file(out / "r.json"))["verdict"], "pass");
}

TEST_F(CheckTest, ReportsEveryKindOfChange) {
  repo.checkout("main");
  repo.write("src/old_name.py", "line one\nline two\nline three\nline four\n");
  repo.write("src/remove.py", "bye\n");
  repo.write("src/mode.sh", "echo\n");
  repo.commit("more files");
  repo.branch("kinds");
  repo.git({"mv", "src/old_name.py", "src/new_name.py"});
  repo.remove("src/remove.py");
  std::filesystem::permissions(repo.path() / "src/mode.sh", std::filesystem::perms::owner_exec,
                               std::filesystem::perm_options::add);
  repo.write("src/added.py", "a = 1\nb = 2\n");
  repo.git({"rm", "-q", "--cached", "src/app.py"});
  std::filesystem::remove(repo.path() / "src/app.py");
  std::filesystem::create_symlink("/etc/passwd", repo.path() / "src/app.py");
  repo.commit("every kind");
  RunResult result = run_gate({"check", "--repo", repo.dir(), "--base", "main", "--policy",
                               (repo.path() / ".gate/policy.yaml").string(), "--format", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(nlohmann::json::parse(result.out)["summary"]["files"], 5);
}

}  // namespace
}  // namespace gate::test
