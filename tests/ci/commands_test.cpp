// The commands people expect around `gate check`: init, policy validate, policy test, rules,
// explain, and --help everywhere.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/support.hpp"

namespace gate {
namespace {

namespace fs = std::filesystem;
using test::run_gate;

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

TEST(HelpAndVersion, EveryCommandHasHelp) {
  for (std::vector<std::string> command : {std::vector<std::string>{},
                                           {"check"},
                                           {"init"},
                                           {"policy"},
                                           {"policy", "validate"},
                                           {"policy", "test"},
                                           {"rules"},
                                           {"explain"},
                                           {"log"},
                                           {"verify"},
                                           {"keygen"}}) {
    command.push_back("--help");
    test::RunResult r = run_gate(command);
    EXPECT_EQ(r.exit_code, 0) << command[0] << r.err;
    EXPECT_TRUE(contains(r.out, "Usage")) << r.out;
  }
  test::RunResult version = run_gate({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(contains(version.out, "gate "));
}

TEST(RulesCommand, ListsEveryRuleTypeWithParametersAndExample) {
  test::RunResult r = run_gate({"rules"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* needle :
       {"forbidden-paths (code, security)", "max-file-size (code)", "limit (size, required)",
        "example:", "- id: no-private-keys", "co-change"}) {
    EXPECT_TRUE(contains(r.out, needle)) << needle;
  }
  EXPECT_EQ(run_gate({"rules", "--family", "nope"}).exit_code, 2);
}

TEST(ExplainCommand, ExplainsPolicyRuleIdsAndRuleTypes) {
  test::GitRepo repo;
  repo.write(".gate/policy.yaml",
             "version: 1\nrules:\n"
             "  - id: keys\n    type: forbidden-paths\n    description: No keys.\n"
             "    paths: [\"**/*.pem\"]\n");
  test::RunResult by_id = run_gate({"explain", "keys"}, {}, repo.path());
  ASSERT_EQ(by_id.exit_code, 0) << by_id.err;
  EXPECT_TRUE(contains(by_id.out, "Rule keys (./.gate/policy.yaml:3)")) << by_id.out;
  EXPECT_TRUE(contains(by_id.out, "severity: error (blocks the merge)"));
  EXPECT_TRUE(contains(by_id.out, "paths: **/*.pem"));
  EXPECT_TRUE(contains(by_id.out, "Rule type forbidden-paths"));

  test::RunResult by_type = run_gate({"explain", "max-file-size"}, {}, repo.path());
  EXPECT_EQ(by_type.exit_code, 0);
  EXPECT_TRUE(contains(by_type.out, "docs/rules/max-file-size.md"));

  test::RunResult unknown = run_gate({"explain", "nope"}, {}, repo.path());
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(contains(unknown.err, "rule ids: keys")) << unknown.err;
}

TEST(PolicyValidate, ValidPolicyExitsZero) {
  test::TempDir dir;
  test::write_file(dir / "policy.yaml",
                   "version: 1\nrules:\n  - id: big\n    type: max-file-size\n    limit: 5MB\n");
  test::RunResult r = run_gate({"policy", "validate", (dir / "policy.yaml").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "valid policy (1 rule, 0 asset classes)"));
}

TEST(PolicyValidate, ErrorsNameFileLineAndColumn) {
  test::TempDir dir;
  fs::path file = dir / "policy.yaml";
  test::write_file(file,
                   "version: 1\nrules:\n  - id: big\n    type: max-file-size\n"
                   "    limit: 5MB\n    limt: 6MB\n");
  test::RunResult r = run_gate({"policy", "validate", file.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, file.string() + ":6:5:")) << r.err;
  EXPECT_TRUE(contains(r.err, "limt"));

  test::write_file(file, "version: 1\nrules: [\n");
  r = run_gate({"policy", "validate", file.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, file.string() + ":")) << r.err;

  r = run_gate({"policy", "validate", (dir / "missing.yaml").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "missing.yaml")) << r.err;
}

// A policy with its test cases, as docs/policy-testing.md lays them out.
struct PolicyWithCases {
  test::TempDir dir;
  PolicyWithCases() {
    test::write_file(dir / "policy.yaml",
                     "version: 1\nrules:\n"
                     "  - id: no-keys\n    type: forbidden-paths\n    paths: [\"**/*.pem\"]\n");
    test::write_file(dir / "cases/key-blocked/base/src/app.py", "print(1)\n");
    test::write_file(dir / "cases/key-blocked/head/keys/server.pem", "secret\n");
    test::write_file(dir / "cases/key-blocked/expected.yaml",
                     "verdict: fail\nfindings:\n  - rule: no-keys\n    path: keys/server.pem\n"
                     "    severity: error\n");
    test::write_file(dir / "cases/plain-change/base/src/app.py", "print(1)\n");
    test::write_file(dir / "cases/plain-change/head/src/app.py", "print(2)\n");
    test::write_file(dir / "cases/plain-change/expected.yaml",
                     "verdict: pass\nfindings: []\ndeleted: []\n");
  }
  test::RunResult run() {
    return run_gate(
        {"policy", "test", (dir / "cases").string(), "--policy", (dir / "policy.yaml").string()});
  }
};

TEST(PolicyTest, AgreeingCasesPass) {
  PolicyWithCases p;
  test::RunResult r = p.run();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "PASS  key-blocked\nPASS  plain-change\n2 cases: 2 passed, 0 failed\n");
}

TEST(PolicyTest, DisagreeingCaseExitsOneAndSaysWhy) {
  PolicyWithCases p;
  test::write_file(p.dir / "cases/plain-change/head/old.pem", "x\n");
  test::RunResult r = p.run();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(contains(r.out,
                       "FAIL  plain-change\n      expected verdict pass, got fail\n"
                       "      unexpected finding: rule=no-keys path=old.pem"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "2 cases: 1 passed, 1 failed"));
}

TEST(PolicyTest, DeletedFilesAndMissingFindings) {
  PolicyWithCases p;
  test::write_file(p.dir / "cases/delete/base/keys/old.pem", "x\n");
  test::write_file(p.dir / "cases/delete/expected.yaml",
                   "verdict: fail\ndeleted: [keys/old.pem]\n"
                   "findings:\n  - rule: no-keys\n    path: keys/old.pem\n");
  test::RunResult r = p.run();
  EXPECT_EQ(r.exit_code, 1);
  // Deleting a forbidden file is no finding: the case expected one, and the verdict differs.
  EXPECT_TRUE(contains(r.out,
                       "FAIL  delete\n      expected verdict fail, got pass\n"
                       "      missing finding: rule=no-keys path=keys/old.pem\n"))
      << r.out;
}

TEST(PolicyTest, CaseCanExpectAnUnusableInput) {
  PolicyWithCases p;
  test::write_file(p.dir / "cases/bad-approvals/head/src/app.py", "print(3)\n");
  test::write_file(p.dir / "cases/bad-approvals/approvals.json", "{\"approvals\": [\n");
  test::write_file(p.dir / "cases/bad-approvals/expected.yaml",
                   "verdict: error\nerror: approvals.json\napprovals: approvals.json\n");
  test::RunResult r = p.run();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "PASS  bad-approvals\n")) << r.out;
}

TEST(PolicyTest, MalformedCaseIsExitTwoWithPosition) {
  PolicyWithCases p;
  test::write_file(p.dir / "cases/key-blocked/expected.yaml", "verdict: fail\nfindngs: []\n");
  test::RunResult r = p.run();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "key-blocked/expected.yaml:2:1:")) << r.err;
  EXPECT_TRUE(contains(r.err, "findngs"));
  EXPECT_EQ(run_gate({"policy", "test", (p.dir / "nowhere").string()}).exit_code, 2);
}

TEST(InitCommand, StarterPolicyIsAcceptedByCheckAndJudgesChanges) {
  test::GitRepo repo;
  repo.write("src/app.py", "print(1)\n");
  repo.write("data/train.csv", "a,b\n1,2\n");
  repo.write("models/churn/README.md", "# churn\n");
  repo.commit("Start");
  test::RunResult init = run_gate({"init"}, {}, repo.path());
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_TRUE(contains(init.out, "code src data data model models")) << init.out;
  std::string policy = test::read_file(repo.path() / ".gate/policy.yaml");
  EXPECT_TRUE(contains(policy, "data: { paths: [\"data/**\"] }")) << policy;
  EXPECT_TRUE(contains(policy, "model: { paths: [\"models/**\"] }"));
  EXPECT_EQ(run_gate({"policy", "validate"}, {}, repo.path()).exit_code, 0);
  repo.commit("Adopt Gate");

  repo.branch("change");
  repo.write("src/app.py", "print(2)\n");
  repo.commit("Harmless");
  test::RunResult pass = run_gate({"check", "--base", "main"}, {}, repo.path());
  EXPECT_EQ(pass.exit_code, 0) << pass.out << pass.err;

  repo.write("deploy/server.pem", "-----BEGIN PRIVATE KEY-----\n");
  repo.commit("Add a key");
  test::RunResult blocked = run_gate({"check", "--base", "main"}, {}, repo.path());
  EXPECT_EQ(blocked.exit_code, 1) << blocked.out << blocked.err;
  EXPECT_TRUE(contains(blocked.out, "no-private-keys"));
}

TEST(InitCommand, RefusesToOverwriteWithoutForce) {
  test::GitRepo repo;
  repo.write(".gate/policy.yaml", "version: 1\n");
  test::RunResult r = run_gate({"init"}, {}, repo.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "already exists")) << r.err;
  EXPECT_EQ(test::read_file(repo.path() / ".gate/policy.yaml"), "version: 1\n");
  EXPECT_EQ(run_gate({"init", "--force"}, {}, repo.path()).exit_code, 0);
  EXPECT_NE(test::read_file(repo.path() / ".gate/policy.yaml"), "version: 1\n");
}

TEST(InitCommand, UsesCodeownersAndGitleaksConfig) {
  test::GitRepo repo;
  repo.write(".github/CODEOWNERS", "# owners\n*  @acme/platform @bob\n/data/ @acme/data\n");
  repo.write(".gitleaks.toml", "[extend]\nuseDefault = true\n");
  test::RunResult r = run_gate({"init", "--print"}, {}, repo.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "owners: [\"@acme/platform\", \"@bob\"]")) << r.out;
  EXPECT_TRUE(contains(r.out, "secrets-config: .gitleaks.toml")) << r.out;
  EXPECT_TRUE(contains(r.out, "type: codeowners-approval")) << r.out;
  EXPECT_FALSE(fs::exists(repo.path() / ".gate/policy.yaml"));  // --print writes nothing
  test::write_file(repo.path() / "printed.yaml", r.out);
  EXPECT_EQ(run_gate({"policy", "validate", "printed.yaml"}, {}, repo.path()).exit_code, 0);
}

// A real ML layout: a DVC pointer at the root, a Python package named `model` under src/, and a
// scikit-learn pickle in a folder with no telling name.
TEST(InitCommand, ReadsARealMlLayout) {
  test::GitRepo repo;
  repo.write("data.dvc", "outs:\n- md5: 0123456789abcdef0123456789abcdef.dir\n  path: data\n");
  repo.write("src/model/__init__.py", "");
  repo.write("src/model/train.py", "import sklearn\n");
  repo.write(
      "artifacts/clf.pkl",
      std::string("\x80\x04\x95\x20\x00\x00\x00\x00\x00\x00\x00\x8c\x1e"
                  "sklearn.linear_model._logistic\x94\x8c\x12LogisticRegression\x94\x93\x94.",
                  68));
  repo.write("notes/model.pkl", "just text named like a pickle\n");
  repo.commit("Start");
  test::RunResult r = run_gate({"init", "--print"}, {}, repo.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string& policy = r.out;
  EXPECT_TRUE(contains(policy, "  code: { paths: [\"src/**\"] }")) << policy;
  EXPECT_TRUE(contains(policy, "  data: { paths: [\"data.dvc\"] }")) << policy;
  // By content: the real pickle is a model, the text file named .pkl is not.
  EXPECT_TRUE(contains(policy, "  model: { paths: [\"artifacts/**\"] }")) << policy;
  EXPECT_FALSE(contains(policy, "src/model/**")) << policy;
  EXPECT_FALSE(contains(policy, "notes")) << policy;
  // No example entry is ever live: every `allow:` is a comment.
  for (size_t at = policy.find("allow:"); at != std::string::npos;
       at = policy.find("allow:", at + 1)) {
    size_t line_start = policy.rfind('\n', at) + 1;
    EXPECT_NE(policy.find('#', line_start), std::string::npos);
    EXPECT_LT(policy.find('#', line_start), at) << policy.substr(line_start, at - line_start + 20);
  }
  EXPECT_FALSE(contains(policy, "my_project")) << policy;
  // The pickle choice is explained where the rule is.
  EXPECT_TRUE(contains(policy, "artifacts/clf.pkl; scikit-learn")) << policy;
  EXPECT_TRUE(contains(policy, "allow: [\"sklearn.*\"")) << policy;
  EXPECT_TRUE(contains(policy, "safetensors")) << policy;
  test::write_file(repo.path() / "printed.yaml", policy);
  EXPECT_EQ(run_gate({"policy", "validate", "printed.yaml"}, {}, repo.path()).exit_code, 0);
}

TEST(PolicyValidate, MisspeltKeyIsNamedAtItsOwnLine) {
  test::TempDir dir;
  test::write_file(dir / "policy.yaml",
                   "version: 1\n"
                   "rules:\n"
                   "  - id: no-keys\n"
                   "    tpye: forbidden-paths\n"
                   "    paths: [\"**/*.pem\"]\n");
  test::RunResult r = run_gate({"policy", "validate", (dir / "policy.yaml").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "policy.yaml:4:5:")) << r.err;
  EXPECT_TRUE(contains(r.err, "unknown key 'tpye' (did you mean 'type'?)")) << r.err;
  EXPECT_FALSE(contains(r.err, "is required")) << r.err;

  // An optional key misspelt: the same correction, from the unknown-key check.
  test::write_file(dir / "policy.yaml",
                   "version: 1\n"
                   "rules:\n"
                   "  - id: no-keys\n"
                   "    type: forbidden-paths\n"
                   "    severty: warning\n"
                   "    paths: [\"**/*.pem\"]\n");
  r = run_gate({"policy", "validate", (dir / "policy.yaml").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "policy.yaml:5:5:")) << r.err;
  EXPECT_TRUE(contains(r.err, "unknown key 'severty' (did you mean 'severity'?)")) << r.err;
}

TEST(InitCommand, OutsideARepositoryIsExitTwo) {
  test::TempDir dir;
  test::RunResult r = run_gate({"init"}, {}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace gate
