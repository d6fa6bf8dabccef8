// Unusable input: a clear error naming file, line and fix; exit 2; nothing written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/support.hpp"

namespace gate::test {
namespace {

using ::testing::HasSubstr;

struct PolicyCase {
  const char* name;
  const char* policy;
  const char* expected;  // substring of stderr, starting at line:col
};

class InvalidPolicy : public ::testing::TestWithParam<PolicyCase> {};

TEST_P(InvalidPolicy, IsRejectedWithFileLineAndColumn) {
  const PolicyCase& c = GetParam();
  GitRepo repo;
  repo.write(".gate/policy.yaml", c.policy);
  std::string base = repo.commit("policy");
  repo.branch("feature");
  repo.write("src/a.py", "x = 1\n");
  repo.commit("change");
  TempDir out;
  std::string report = (out / "report.json").string();
  RunResult result = run_gate(
      {"check", "--repo", repo.dir(), "--base", "main", "--format", "json", "--output", report});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr(base.substr(0, 12) + ":.gate/policy.yaml:" + c.expected));
  EXPECT_THAT(result.err, HasSubstr("hint: "));
  EXPECT_EQ(result.out, "");
  EXPECT_FALSE(std::filesystem::exists(report)) << "nothing is written on bad input";
}

INSTANTIATE_TEST_SUITE_P(
    Policies, InvalidPolicy,
    ::testing::Values(
        PolicyCase{"YamlSyntax", "version: 1\nrules:\n  - id: [unclosed\n", "4:1: YAML syntax"},
        PolicyCase{"UnknownTopLevelKey", "version: 1\nrule: []\n",
                   "2:1: policy: unknown key 'rule'"},
        PolicyCase{"MissingVersion", "rules: []\n", "1:1: policy: has no `version`"},
        PolicyCase{"WrongVersion", "version: 2\n", "1:10: policy: 'version' must be 1"},
        PolicyCase{"UnknownRuleType",
                   "version: 1\nrules:\n  - id: a\n    type: forbiden-paths\n    paths: [x]\n",
                   "4:11: policy.rules[0]: 'type' 'forbiden-paths' is not a known rule type"},
        PolicyCase{"DuplicateRuleId",
                   "version: 1\nrules:\n  - id: a\n    type: max-file-size\n    limit: 1MB\n"
                   "  - id: a\n    type: max-file-size\n    limit: 2MB\n",
                   "6:9: policy.rules[1]: 'id' 'a' is used by another rule"},
        PolicyCase{"WrongType",
                   "version: 1\nrules:\n  - id: a\n    type: max-file-size\n    limit: [1]\n",
                   "5:12: policy.rules[0]: 'limit' must be a string"},
        PolicyCase{"BadSize",
                   "version: 1\nrules:\n  - id: a\n    type: max-file-size\n    limit: 5XB\n",
                   "5:12: policy.rules[0]: 'limit' is not a valid size"},
        PolicyCase{
            "UnknownRuleKey",
            "version: 1\nrules:\n  - id: a\n    type: max-file-size\n    limit: 1MB\n    limt: 2\n",
            "6:5: policy.rules[0]: unknown key 'limt'"},
        PolicyCase{
            "GlobThatCannotMatch",
            "version: 1\nrules:\n  - id: a\n    type: forbidden-paths\n    paths: [\"a//b\"]\n",
            "5:12: policy.rules[0]: 'paths' pattern 'a//b' has an empty segment"},
        PolicyCase{"UnknownAsset",
                   "version: 1\nrules:\n  - id: a\n    type: max-file-size\n    limit: 1MB\n    "
                   "assets: [dta]\n",
                   "6:13: policy.rules[0]: 'assets' names unknown asset class 'dta'"},
        PolicyCase{"BadSeverity",
                   "version: 1\nrules:\n  - id: a\n    type: max-file-size\n    limit: 1MB\n    "
                   "severity: fatal\n",
                   "6:15: policy.rules[0]: 'severity' 'fatal' is not a severity"},
        PolicyCase{"NotAMapping", "- just\n- a list\n", "1:1: a policy must be a YAML mapping"},
        PolicyCase{"ForbiddenPathsWithoutPaths",
                   "version: 1\nrules:\n  - id: a\n    type: forbidden-paths\n",
                   "3:5: policy.rules[0]: 'paths' is required for forbidden-paths"}),
    [](const ::testing::TestParamInfo<PolicyCase>& info) { return std::string(info.param.name); });

TEST(BadInput, NotARepository) {
  TempDir dir;
  RunResult result = run_gate({"check", "--repo", dir.path().string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("is not a git repository"));
  EXPECT_THAT(result.err, HasSubstr("hint: run Gate inside a clone or pass --repo DIR"));
}

TEST(BadInput, EmptyRepositoryWithUnbornBranch) {
  GitRepo repo;
  RunResult result = run_gate({"check", "--repo", repo.dir()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("no commits yet (its branch is unborn)"));
}

TEST(BadInput, UnknownRevision) {
  GitRepo repo;
  repo.write("a", "1");
  repo.commit("one");
  RunResult result = run_gate({"check", "--repo", repo.dir(), "--base", "no-such-branch"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err,
              HasSubstr("base revision 'no-such-branch' (from --base) is not in this repository"));
}

TEST(BadInput, ShallowCloneWithoutTheBaseSaysHowToFetch) {
  GitRepo origin;
  origin.write("a.txt", "1\n");
  origin.commit("one");
  origin.write("a.txt", "2\n");
  std::string second = origin.commit("two");
  origin.branch("feature");
  origin.write("b.txt", "3\n");
  origin.commit("three");
  origin.write("c.txt", "4\n");
  origin.commit("four");
  TempDir clone_dir;
  std::string clone = (clone_dir / "clone").string();
  RunResult cloned = run({"git", "clone", "-q", "--depth", "1", "--branch", "feature",
                          "file://" + origin.dir(), clone});
  ASSERT_EQ(cloned.exit_code, 0) << cloned.err;
  RunResult result = run_gate({"check", "--repo", clone, "--base", second});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("shallow clone"));
  EXPECT_THAT(result.err, HasSubstr("fetch-depth: 0"));
  EXPECT_THAT(result.err, HasSubstr("GIT_DEPTH: 0"));
}

TEST(BadInput, UnrelatedHistoriesAreNotJudgedAsAnEmptyChange) {
  GitRepo repo;
  repo.write("a", "1");
  repo.commit("one");
  repo.git({"checkout", "-q", "--orphan", "other"});
  repo.write("b", "2");
  repo.commit("unrelated");
  RunResult result = run_gate({"check", "--repo", repo.dir(), "--base", "main"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("share no history"));
}

TEST(BadInput, UnknownFormatIsRejectedBeforeJudging) {
  GitRepo repo;
  repo.write("a", "1");
  repo.commit("one");
  RunResult result = run_gate({"check", "--repo", repo.dir(), "--base", "main", "--format", "pdf"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("unknown report format 'pdf'"));
}

TEST(BadInput, PolicyFileThatCannotBeRead) {
  GitRepo repo;
  repo.write("a", "1");
  repo.commit("one");
  RunResult result = run_gate(
      {"check", "--repo", repo.dir(), "--base", "main", "--policy", "/nonexistent/p.yaml"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("/nonexistent/p.yaml: cannot read the file"));
}

}  // namespace
}  // namespace gate::test

namespace gate::test {
namespace {

TEST(BadInput, PolicyThatIsASymlinkIsRefusedNotReplacedByTheDefault) {
  GitRepo repo;
  repo.write("elsewhere.yaml", "version: 1\nrules: []\n");
  std::filesystem::create_directories(repo.path() / ".gate");
  std::filesystem::create_symlink("../elsewhere.yaml", repo.path() / ".gate/policy.yaml");
  repo.commit("linked policy");
  repo.branch("feature");
  repo.write("a.pem", "k");
  repo.commit("key");
  RunResult result = run_gate({"check", "--repo", repo.dir(), "--base", "main"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, ::testing::HasSubstr(".gate/policy.yaml: is not a regular file"));
}

}  // namespace
}  // namespace gate::test
