// End to end through the `gate` binary on real repositories: approvals, CODEOWNERS from the base,
// policy protection, waivers, commit hygiene, and exit code 2 for unusable evidence.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/support.hpp"

namespace gate::test {
namespace {

using ::testing::HasSubstr;

const char* kPolicy = R"(version: 1
owners: ["@alice"]
rules:
  - id: no-keys
    type: forbidden-paths
    paths: ["**/*.pem"]
  - id: owners
    type: codeowners-approval
    dismiss-stale: true
  - id: protect-policy
    type: policy-change
  - id: hygiene
    type: commit-message
  - id: spdx
    type: license-header
    allowed: [MIT]
)";

class ProcessE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    repo.write(".gate/policy.yaml", kPolicy);
    repo.write("CODEOWNERS", "* @alice\n/src/ @bob\n");
    repo.commit("base\n\nSigned-off-by: Gate Test <gate@example.com>");
    repo.branch("feature");
  }

  std::string commit(const std::string& subject) {
    return repo.commit(subject + "\n\nSigned-off-by: T <" + email() + ">");
  }

  std::string email() { return repo.git({"log", "-1", "--format=%ae", "main"}); }

  void approvals(const std::string& json) { write_file(dir / "approvals.json", json); }

  std::string approval(const std::string& reviewer, const std::string& commit) {
    return "{\"reviewer\": \"" + reviewer + "\", \"state\": \"approved\", \"commit\": \"" + commit +
           "\"}";
  }

  RunResult check() {
    return run_gate({"check", "--repo", repo.dir(), "--base", "main", "--approvals",
                     (dir / "approvals.json").string(), "--format", "json"});
  }

  nlohmann::json check_json() {
    RunResult result = check();
    EXPECT_NE(result.exit_code, 2) << result.err;
    return nlohmann::json::parse(result.out);
  }

  static std::vector<std::string> findings_of(const nlohmann::json& report,
                                              const std::string& rule) {
    std::vector<std::string> out;
    for (const auto& f : report["findings"]) {
      if (f["rule_id"] == rule && f["waived"].is_null()) out.push_back(f["message"]);
    }
    return out;
  }

  GitRepo repo;
  TempDir dir;
};

TEST_F(ProcessE2E, OwnersApprovalOfTheHeadCommitPasses) {
  repo.write("src/a.py", "# SPDX-License-Identifier: MIT\nx = 1\n");
  std::string head = commit("Add a");
  approvals("{\"author\": \"dana\", \"approvals\": [" + approval("bob", head) + "]}");
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
}

TEST_F(ProcessE2E, StaleApprovalAndMissingOwnerBlock) {
  repo.write("src/a.py", "# SPDX-License-Identifier: MIT\n");
  std::string first = commit("Add a");
  repo.write("src/a.py", "# SPDX-License-Identifier: MIT\nx = 2\n");
  commit("Change a");
  approvals("{\"author\": \"dana\", \"approvals\": [" + approval("bob", first) + "]}");
  nlohmann::json report = check_json();
  EXPECT_EQ(report["exit_code"], 1);
  ASSERT_EQ(findings_of(report, "owners").size(), 1u);
  EXPECT_THAT(findings_of(report, "owners")[0],
              HasSubstr("'src/a.py' needs approval from @bob (CODEOWNERS:2)"));
  EXPECT_THAT(findings_of(report, "owners")[0], HasSubstr("dismiss-stale"));
}

TEST_F(ProcessE2E, SelfWrittenWaiverNeedsThePolicyOwners) {
  repo.write("keys/test.pem", "fixture");
  repo.write(".gate/waivers.yaml",
             "waivers:\n  - rule: no-keys\n    paths: [\"keys/**\"]\n    reason: fixture\n"
             "    approved-by: dana\n    expires: 2999-01-01\n");
  std::string head = commit("Add fixture and its waiver");
  approvals("{\"author\": \"dana\", \"approvals\": [" + approval("bob", head) + "]}");
  nlohmann::json report = check_json();
  EXPECT_EQ(report["exit_code"], 1);
  EXPECT_TRUE(findings_of(report, "no-keys").empty());  // waived, still listed
  EXPECT_EQ(findings_of(report, "protect-policy").size(), 1u);
  ASSERT_EQ(report["waivers"].size(), 1u);
  EXPECT_EQ(report["waivers"][0]["matched"], 1);

  approvals("{\"author\": \"dana\", \"approvals\": [" + approval("bob", head) + ", " +
            approval("alice", head) + "]}");
  report = check_json();
  EXPECT_EQ(report["exit_code"], 0) << report.dump(2);
}

TEST_F(ProcessE2E, AuthorCannotApproveOwnPolicyChange) {
  repo.write(".gate/policy.yaml", std::string(kPolicy) + "# tweak\n");
  std::string head = commit("Tweak policy");
  approvals("{\"author\": \"alice\", \"approvals\": [" + approval("alice", head) + "]}");
  nlohmann::json report = check_json();
  EXPECT_EQ(report["exit_code"], 1);
  EXPECT_THAT(findings_of(report, "protect-policy").at(0),
              HasSubstr("the author's own approval does not count"));
}

TEST_F(ProcessE2E, UnsignedCommitIsAFinding) {
  repo.write("notes.txt", "x\n");
  std::string head = repo.commit("Unsigned change");
  approvals("{\"approvals\": [" + approval("alice", head) + "]}");
  nlohmann::json report = check_json();
  EXPECT_THAT(findings_of(report, "hygiene").at(0), HasSubstr("has no 'Signed-off-by:' line"));
}

TEST_F(ProcessE2E, MalformedEvidenceExitsTwoWithFileAndLine) {
  repo.write("notes.txt", "x\n");
  commit("Note");
  approvals("{\n  \"approvals\": [\n    {\"reviewer\": \"bob\" \"state\": \"approved\"}\n  ]\n}\n");
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("approvals.json:3:"));
  EXPECT_TRUE(result.out.empty());
}

TEST_F(ProcessE2E, MalformedBaseCodeownersExitsTwo) {
  repo.checkout("main");
  repo.write("CODEOWNERS", "* @alice\n[Broken\n");
  commit("Break CODEOWNERS");
  repo.checkout("feature");
  repo.git({"merge", "-q", "main"});
  repo.write("notes.txt", "x\n");
  commit("Note");
  approvals("{\"approvals\": []}");
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("CODEOWNERS:2:1: section header has no closing ']'"));
}

}  // namespace
}  // namespace gate::test
