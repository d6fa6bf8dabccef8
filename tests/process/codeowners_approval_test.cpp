// codeowners-approval at rule level: CODEOWNERS from the base tree, approvals as evidence.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gate/types/errors.hpp"
#include "tests/process/harness.hpp"

namespace gate::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const char* kPolicy = R"(version: 1
teams:
  "@acme/backend": [bob, carol]
rules:
  - id: owners
    type: codeowners-approval
)";

const char* kStalePolicy = R"(version: 1
rules:
  - id: owners
    type: codeowners-approval
    dismiss-stale: true
)";

class CodeownersApproval : public ::testing::Test {
 protected:
  CodeownersApproval() : scenario(kPolicy) {
    scenario.blobs.put(Tree::base, ".github/CODEOWNERS",
                       "* @lead\n/src/ @acme/backend\n/docs/ @writer\n");
  }
  Scenario scenario;
};

TEST_F(CodeownersApproval, OwnerApprovalPasses) {
  scenario.add(changed("README.md"));
  scenario.evidence.approvals = {approved("lead")};
  EXPECT_THAT(scenario.messages(), IsEmpty());
  EXPECT_EQ(scenario.status(), "pass");
}

TEST_F(CodeownersApproval, MissingApprovalNamesOwnersAndLine) {
  scenario.add(changed("src/api.c"));
  scenario.evidence.approvals = {approved("lead")};
  EXPECT_THAT(scenario.messages(),
              ElementsAre("'src/api.c' needs approval from @acme/backend (.github/CODEOWNERS:2); "
                          "none yet"));
}

TEST_F(CodeownersApproval, TeamMemberApprovesForTheTeamCaseInsensitively) {
  scenario.add(changed("src/api.c"));
  scenario.evidence.approvals = {approved("Carol")};
  EXPECT_THAT(scenario.messages(), IsEmpty());
}

TEST_F(CodeownersApproval, TeamsFromTheApprovalsFile) {
  scenario.blobs.put(Tree::base, ".github/CODEOWNERS", "* @acme/ops\n");
  scenario.add(changed("x"));
  scenario.evidence.approvals = {approved("dave")};
  EXPECT_THAT(scenario.messages(), ElementsAre(HasSubstr("no members known for @acme/ops")));
  scenario.evidence.teams["@acme/ops"] = {"dave"};
  EXPECT_THAT(scenario.messages(), IsEmpty());
}

TEST_F(CodeownersApproval, AuthorNeverApprovesOwnChange) {
  scenario.add(changed("README.md"));
  scenario.evidence.author = "lead";
  scenario.evidence.approvals = {approved("lead")};
  EXPECT_THAT(scenario.messages(),
              ElementsAre(HasSubstr("[the author's own approval does not count]")));
}

TEST_F(CodeownersApproval, LaterChangesRequestedOrDismissalWithdrawsApproval) {
  scenario.add(changed("README.md"));
  scenario.evidence.approvals = {approved("lead", kHead, 10),
                                 Approval{"lead", "changes_requested", kHead, 20}};
  EXPECT_EQ(scenario.messages().size(), 1u);
  scenario.evidence.approvals = {approved("lead", kHead, 10),
                                 Approval{"lead", "commented", kHead, 20}};
  EXPECT_THAT(scenario.messages(), IsEmpty());
  scenario.evidence.approvals = {Approval{"lead", "dismissed", kHead, 30},
                                 approved("lead", kHead, 10)};
  EXPECT_EQ(scenario.messages().size(), 1u);
}

TEST(CodeownersApprovalStale, DismissStaleIgnoresApprovalsOfOlderCommits) {
  Scenario scenario(kStalePolicy);
  scenario.blobs.put(Tree::base, "CODEOWNERS", "* @lead\n");
  scenario.add(changed("a.txt"));
  scenario.evidence.approvals = {approved("lead", kOldHead)};
  EXPECT_THAT(
      scenario.messages(),
      ElementsAre(HasSubstr("approvals of an older commit do not count (dismiss-stale): lead")));
  scenario.evidence.approvals.push_back(approved("lead", kHead, 200));
  EXPECT_THAT(scenario.messages(), IsEmpty());
  // Without dismiss-stale an approval of an older commit counts.
  Scenario lenient(kPolicy);
  lenient.blobs.put(Tree::base, "CODEOWNERS", "* @lead\n");
  lenient.add(changed("a.txt"));
  lenient.evidence.approvals = {approved("lead", kOldHead)};
  EXPECT_THAT(lenient.messages(), IsEmpty());
}

TEST_F(CodeownersApproval, CodeownersComesFromTheBaseNotTheChange) {
  // The change rewrites CODEOWNERS to own everything itself: the base version still judges.
  scenario.blobs.put(Tree::head, ".github/CODEOWNERS", "* @author\n");
  scenario.add(changed(".github/CODEOWNERS"));
  scenario.evidence.approvals = {approved("author")};
  EXPECT_THAT(scenario.messages(), ElementsAre(HasSubstr("needs approval from @lead")));
}

TEST_F(CodeownersApproval, RenameNeedsOwnersOfBothPaths) {
  FileChange file = changed("README.md", ChangeStatus::renamed);
  file.old_path = "src/moved.c";
  scenario.add(file);
  scenario.evidence.approvals = {approved("lead")};
  EXPECT_THAT(scenario.messages(), ElementsAre(HasSubstr("'src/moved.c' needs approval")));
}

TEST_F(CodeownersApproval, GitLabSectionCountsAndOptionalSections) {
  scenario.blobs.put(Tree::base, ".github/CODEOWNERS",
                     "[Backend][2] @bob @carol @dave\nsrc/\n^[Docs] @writer\n*.md\n");
  scenario.add(changed("src/a.c"));
  scenario.add(changed("src/notes.md"));
  scenario.evidence.approvals = {approved("bob")};
  EXPECT_THAT(scenario.messages(),
              ElementsAre("'src/a.c' needs 2 approvals from @bob, @carol, @dave in section "
                          "[Backend] (.github/CODEOWNERS:2); has bob",
                          HasSubstr("'src/notes.md' needs 2 approvals")));
  scenario.evidence.approvals.push_back(approved("dave"));
  EXPECT_THAT(scenario.messages(), IsEmpty());  // the optional [Docs] section asks nothing
}

TEST_F(CodeownersApproval, UnownedPathsPassUnlessOwnersRequired) {
  scenario.blobs.put(Tree::base, ".github/CODEOWNERS", "/src/ @bob\n");
  scenario.add(changed("tools/x.sh"));
  EXPECT_EQ(scenario.status(), "skipped");
  Scenario strict(R"(version: 1
rules:
  - id: owners
    type: codeowners-approval
    require-owners: true
)");
  strict.blobs.put(Tree::base, "CODEOWNERS", "/src/ @bob\n");
  strict.add(changed("tools/x.sh"));
  EXPECT_THAT(strict.messages(), ElementsAre("'tools/x.sh' has no code owner in CODEOWNERS"));
}

TEST_F(CodeownersApproval, NoApprovalsFileSaysSo) {
  scenario.add(changed("README.md"));
  scenario.evidence = Evidence{};
  EXPECT_THAT(scenario.messages(), ElementsAre(HasSubstr("no approvals file was given")));
}

TEST_F(CodeownersApproval, MissingCodeownersIsAFinding) {
  Scenario bare(kPolicy);
  bare.add(changed("x"));
  EXPECT_THAT(bare.messages(), ElementsAre(HasSubstr("no CODEOWNERS file in the base revision")));
}

TEST_F(CodeownersApproval, LocationOrderAndExplicitFile) {
  scenario.blobs.put(Tree::base, "CODEOWNERS", "* @root-owner\n");
  scenario.add(changed("README.md"));
  scenario.evidence.approvals = {approved("root-owner")};
  EXPECT_EQ(scenario.messages().size(), 1u);  // .github/CODEOWNERS comes first
  Scenario explicit_file(R"(version: 1
rules:
  - id: owners
    type: codeowners-approval
    file: CODEOWNERS
)");
  explicit_file.blobs = scenario.blobs;
  explicit_file.add(changed("README.md"));
  explicit_file.evidence.approvals = {approved("root-owner")};
  EXPECT_THAT(explicit_file.messages(), IsEmpty());
}

TEST_F(CodeownersApproval, MalformedBaseCodeownersIsInputError) {
  scenario.blobs.put(Tree::base, ".github/CODEOWNERS", "* @lead\n*.c bad owner\n");
  scenario.add(changed("a.c"));
  try {
    scenario.run();
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), ".github/CODEOWNERS");
    EXPECT_EQ(e.line(), 2u);
    EXPECT_THAT(e.message(), HasSubstr("'bad' is not an owner"));
  }
}

TEST(CodeownersApprovalPolicy, BadParametersAreReportedAtTheirPosition) {
  try {
    parse_policy(
        "version: 1\nrules:\n  - id: o\n    type: codeowners-approval\n    dismis-stale: true\n",
        ".gate/policy.yaml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 5u);
    EXPECT_THAT(e.message(), HasSubstr("unknown key 'dismis-stale'"));
  }
}

}  // namespace
}  // namespace gate::test
