// max-file-size: sizes from the object headers, a finding per file over the limit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gate/types/errors.hpp"
#include "tests/support/rule_harness.hpp"

namespace gate::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(MaxFileSize, FilesOverTheLimitAreFoundAndFilesAtTheLimitPass) {
  RuleHarness h;
  h.add("big.bin", std::string(1001, 'x'));
  h.add("exact.bin", std::string(1000, 'x'));  // the control: at the limit passes
  EXPECT_THAT(h.findings("max-file-size", "limit: 1kB"),
              ElementsAre("error big.bin:0: 'big.bin' is 1.0 kB, over the limit of 1kB "
                          "(1001 > 1000 bytes)"));
}

TEST(MaxFileSize, DeletedFilesAreNotJudged) {
  RuleHarness h;
  h.remove("big.bin", std::string(5000, 'x'));
  RuleResult result = h.run("max-file-size", "limit: 1kB");
  EXPECT_TRUE(result.findings.empty());
  EXPECT_EQ(result.skipped, "no added or changed file in scope");
}

TEST(MaxFileSize, AnUnreadableLimitNamesTheLine) {
  RuleHarness h;
  try {
    h.run("max-file-size", "limit: lots");
    FAIL() << "limit: lots was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), ".gate/policy.yaml");
    EXPECT_EQ(e.line(), 5u);
    EXPECT_THAT(e.message(), HasSubstr("lots"));
  }
}

}  // namespace
}  // namespace gate::test
