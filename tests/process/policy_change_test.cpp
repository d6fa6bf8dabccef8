// policy-change: the policy's own files need the policy owners' approval.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/process/harness.hpp"

namespace gate::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const char* kPolicy = R"(version: 1
owners: ["@alice", "@acme/compliance"]
teams:
  acme/compliance: [carol]
rules:
  - id: protect-policy
    type: policy-change
    also: [".github/workflows/**"]
)";

TEST(PolicyChange, UntouchedPolicyIsSkipped) {
  Scenario scenario(kPolicy);
  scenario.add(changed("src/a.c"));
  EXPECT_EQ(scenario.status(), "skipped");
}

TEST(PolicyChange, EveryProtectedPathNeedsOwnerApproval) {
  Scenario scenario(kPolicy);
  for (const char* path : {".gate/policy.yaml", ".gate/waivers.yaml", ".gateignore", "CODEOWNERS",
                           "docs/CODEOWNERS", ".github/workflows/ci.yml", "src/a.c"}) {
    scenario.add(changed(path));
  }
  scenario.evidence.approvals = {approved("bob")};
  std::vector<std::string> messages = scenario.messages();
  ASSERT_EQ(messages.size(), 6u);
  EXPECT_EQ(messages[0],
            "'.gate/policy.yaml' is part of the policy and needs approval from the policy owners "
            "(@alice, @acme/compliance); none yet");
  Evaluation evaluation = scenario.run();
  EXPECT_TRUE(evaluation.findings[0].security);
}

TEST(PolicyChange, OwnerOrTeamMemberApprovalPasses) {
  Scenario scenario(kPolicy);
  scenario.add(changed(".gate/policy.yaml"));
  scenario.evidence.approvals = {approved("alice")};
  EXPECT_THAT(scenario.messages(), IsEmpty());
  scenario.evidence.approvals = {approved("carol")};
  EXPECT_THAT(scenario.messages(), IsEmpty());
}

TEST(PolicyChange, OwnerAuthoringThePolicyChangeCannotApproveIt) {
  Scenario scenario(kPolicy);
  scenario.add(changed(".gate/policy.yaml"));
  scenario.evidence.author = "alice";
  scenario.evidence.approvals = {approved("alice")};
  EXPECT_THAT(scenario.messages(),
              ElementsAre(HasSubstr("the author's own approval does not count")));
}

TEST(PolicyChange, StaleApprovalsDoNotCountByDefault) {
  Scenario scenario(kPolicy);
  scenario.add(changed(".gate/policy.yaml"));
  scenario.evidence.approvals = {approved("alice", kOldHead)};
  EXPECT_THAT(scenario.messages(),
              ElementsAre(HasSubstr("approvals of an older commit do not count")));
}

TEST(PolicyChange, MovingThePolicyAwayIsAPolicyChange) {
  Scenario scenario(kPolicy);
  FileChange file = changed("old/policy.yaml", ChangeStatus::renamed);
  file.old_path = ".gate/policy.yaml";
  scenario.add(file);
  EXPECT_THAT(scenario.messages(),
              ElementsAre(HasSubstr("'.gate/policy.yaml' is part of the policy")));
}

TEST(PolicyChange, SeveralApprovalsAndNoOwners) {
  Scenario scenario(R"(version: 1
owners: ["@alice", "@bob"]
rules:
  - id: protect-policy
    type: policy-change
    approvals: 2
)");
  scenario.add(changed(".gate/policy.yaml"));
  scenario.evidence.approvals = {approved("alice")};
  EXPECT_THAT(scenario.messages(), ElementsAre(HasSubstr("needs 2 approvals")));
  scenario.evidence.approvals.push_back(approved("bob"));
  EXPECT_THAT(scenario.messages(), IsEmpty());

  Scenario ownerless("version: 1\nrules:\n  - id: p\n    type: policy-change\n");
  ownerless.add(changed(".gate/policy.yaml"));
  ownerless.evidence.approvals = {approved("anyone")};
  EXPECT_THAT(ownerless.messages(), ElementsAre(HasSubstr("the policy names no `owners`")));
}

TEST(PolicyChange, CustomWaiverAndIgnorePathsAreProtected) {
  Scenario scenario(R"(version: 1
owners: ["@alice"]
waivers: security/waivers.yaml
ignore-file: security/ignore.txt
rules:
  - id: p
    type: policy-change
)");
  scenario.add(changed("security/waivers.yaml"));
  scenario.add(changed("security/ignore.txt"));
  EXPECT_EQ(scenario.messages().size(), 2u);
}

}  // namespace
}  // namespace gate::test
