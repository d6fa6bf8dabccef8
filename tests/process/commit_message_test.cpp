// commit-message: DCO, Conventional Commits, fixup!/squash!, subject length.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gate/types/errors.hpp"
#include "tests/process/harness.hpp"

namespace gate::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Commit commit(const std::string& message, const std::string& email = "dana@example.com") {
  Commit c;
  c.id = "abcdef1234567890abcdef1234567890abcdef12";
  c.author_name = "Dana";
  c.author_email = email;
  c.message = message;
  c.summary = message.substr(0, message.find('\n'));
  c.parent_count = 1;
  return c;
}

const char* kDefault = "version: 1\nrules:\n  - id: hygiene\n    type: commit-message\n";
const char* kConventional = R"(version: 1
rules:
  - id: hygiene
    type: commit-message
    dco: false
    conventional: true
    types: [feat, fix]
    max-subject-length: 20
)";

std::vector<std::string> judge(const char* policy, std::vector<Commit> commits) {
  Scenario scenario(policy);
  scenario.change.commits = std::move(commits);
  return scenario.messages();
}

TEST(CommitMessage, SignedOffByTheAuthorPasses) {
  EXPECT_THAT(judge(kDefault, {commit("Add x\n\nSigned-off-by: Dana <Dana@Example.com>\n")}),
              IsEmpty());
}

TEST(CommitMessage, MissingOrForeignSignOff) {
  EXPECT_THAT(judge(kDefault, {commit("Add x\n")}),
              ElementsAre("commit abcdef123456 ('Add x'): has no 'Signed-off-by:' line (DCO); "
                          "add one with git commit -s"));
  EXPECT_THAT(
      judge(kDefault, {commit("Add x\n\nSigned-off-by: Eve <eve@example.com>\n")}),
      ElementsAre(HasSubstr("signed off by eve@example.com but authored by dana@example.com")));
}

TEST(CommitMessage, TrailersFromTheChangeSetCount) {
  Commit c = commit("Add x\n");
  c.trailers = {{"Signed-off-by", "Dana <dana@example.com>"}};
  EXPECT_THAT(judge(kDefault, {c}), IsEmpty());
}

TEST(CommitMessage, FixupAndSquashCommitsAreFindings) {
  auto messages = judge(kDefault, {commit("fixup! Add x\n\nSigned-off-by: D <dana@example.com>"),
                                   commit("squash! Add x\n\nSigned-off-by: D <dana@example.com>")});
  EXPECT_THAT(messages,
              ElementsAre(HasSubstr("is a fixup! commit"), HasSubstr("is a squash! commit")));
}

TEST(CommitMessage, SubjectLengthCountsCharactersNotBytes) {
  std::string subject(72, 'x');
  EXPECT_THAT(judge(kDefault, {commit(subject + "\n\nSigned-off-by: D <dana@example.com>")}),
              IsEmpty());
  std::string accented;
  for (int i = 0; i < 72; ++i) accented += "\xC3\xA9";  // 72 characters, 144 bytes
  EXPECT_THAT(judge(kDefault, {commit(accented + "\n\nSigned-off-by: D <dana@example.com>")}),
              IsEmpty());
  EXPECT_THAT(judge(kDefault, {commit(subject + "y\n\nSigned-off-by: D <dana@example.com>")}),
              ElementsAre(HasSubstr("subject is 73 characters, more than 72")));
}

TEST(CommitMessage, ConventionalCommits) {
  EXPECT_THAT(judge(kConventional, {commit("feat(api)!: add x")}), IsEmpty());
  EXPECT_THAT(judge(kConventional, {commit("fix: y")}), IsEmpty());
  EXPECT_THAT(judge(kConventional, {commit("Revert \"feat: x\"")}), IsEmpty());
  EXPECT_THAT(judge(kConventional, {commit("docs: y")}),
              ElementsAre(HasSubstr("subject type 'docs' is not one of feat, fix")));
  EXPECT_THAT(judge(kConventional, {commit("add things")}),
              ElementsAre(HasSubstr("is not a Conventional Commit")));
  EXPECT_THAT(judge(kConventional, {commit("feat(): y")}),
              ElementsAre(HasSubstr("malformed scope")));
  EXPECT_THAT(judge(kConventional, {commit("feat:y")}),
              ElementsAre(HasSubstr("needs a description")));
  EXPECT_THAT(judge(kConventional, {commit("feat: this subject is too long")}),
              ElementsAre(HasSubstr("more than 20")));
}

TEST(CommitMessage, MergeCommitsAreExemptByDefault) {
  Commit merge = commit("Merge branch 'x'");
  merge.parent_count = 2;
  EXPECT_THAT(judge(kDefault, {merge}), IsEmpty());
}

TEST(CommitMessage, HostileMessages) {
  std::string nul_message("Add\0x\n\nSigned-off-by: D <dana@example.com>", 42);
  EXPECT_THAT(judge(kDefault, {commit(nul_message)}), IsEmpty());
  std::string huge(1 << 20, 'z');
  EXPECT_THAT(judge(kDefault, {commit(huge + "\n\nSigned-off-by: D <dana@example.com>")}),
              ElementsAre(HasSubstr("more than 72")));
  EXPECT_THAT(judge(kDefault, {commit("\xFF\xFE bad utf8\n\nSigned-off-by: <>")}),
              ElementsAre(HasSubstr("but authored by")));
}

TEST(CommitMessage, NoCommitsIsSkippedAndBadParamsAreErrors) {
  Scenario scenario(kDefault);
  EXPECT_EQ(scenario.status(), "skipped");
  EXPECT_THROW(parse_policy("version: 1\nrules:\n  - id: h\n    type: commit-message\n"
                            "    max-subject-length: -1\n",
                            "p.yaml"),
               InputError);
}

}  // namespace
}  // namespace gate::test
