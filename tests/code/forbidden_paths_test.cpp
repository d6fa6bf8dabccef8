// forbidden-paths: files added or changed at forbidden paths, never deleted ones.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gate/types/errors.hpp"
#include "tests/support/rule_harness.hpp"

namespace gate::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char* kEntry = "paths: [\"**/*.pem\", \"**/.env\"]";

TEST(ForbiddenPaths, AddedAndModifiedFilesAtForbiddenPathsAreSecurityFindings) {
  RuleHarness h;
  h.add("keys/server.pem", "-----BEGIN-----\n");
  h.modify("app/.env", "A=1\n", "A=2\n", {1});
  h.add("src/app.py", "print(1)\n");  // the positive control: allowed paths pass
  EXPECT_THAT(h.findings("forbidden-paths", kEntry),
              ElementsAre("error app/.env:0: 'app/.env' is a forbidden path (modified)",
                          "error keys/server.pem:0: 'keys/server.pem' is a forbidden path (added)"));
  for (const auto& finding : h.run("forbidden-paths", kEntry).findings) {
    EXPECT_TRUE(finding.security);
  }
}

TEST(ForbiddenPaths, DeletingAForbiddenFileIsTheFixNotAFinding) {
  RuleHarness h;
  h.remove("keys/server.pem", "-----BEGIN-----\n");
  RuleResult result = h.run("forbidden-paths", kEntry);
  EXPECT_TRUE(result.findings.empty());
  EXPECT_EQ(result.skipped, "no added or changed file matches the forbidden paths");
}

TEST(ForbiddenPaths, WithoutPathsThePolicyNamesTheLine) {
  RuleHarness h;
  try {
    h.run("forbidden-paths");
    FAIL() << "a forbidden-paths rule without paths was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), ".gate/policy.yaml");
    EXPECT_EQ(e.line(), 3u);
    EXPECT_THAT(e.message(), HasSubstr("paths"));
  }
}

}  // namespace
}  // namespace gate::test
