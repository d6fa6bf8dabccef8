// co-change: when `if` files change, a `then` file changes too (per directory when asked).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/rule_harness.hpp"

namespace gate::test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const char* kEntry = "if: [\"models/**/*.bin\"]\nthen: [\"models/**/metrics.json\"]";

TEST(CoChange, ATriggerWithoutItsCompanionIsFound) {
  RuleHarness h;
  h.add("models/churn/model.bin", "weights");
  EXPECT_THAT(h.findings("co-change", kEntry),
              ElementsAre("error models/churn/model.bin:0: 'models/churn/model.bin' changed but "
                          "no file matching models/**/metrics.json changed with it"));
  h.add("models/churn/metrics.json", "{}");  // the control: with its companion it passes
  EXPECT_THAT(h.findings("co-change", kEntry), IsEmpty());
}

TEST(CoChange, PerDirectoryWantsTheCompanionBesideTheTrigger) {
  RuleHarness h;
  h.add("models/churn/model.bin", "weights");
  h.add("models/fraud/metrics.json", "{}");
  std::string entry = std::string(kEntry) + "\nper-directory: true";
  EXPECT_THAT(h.findings("co-change", entry),
              ElementsAre("error models/churn/model.bin:0: 'models/churn/model.bin' changed but "
                          "no file matching models/**/metrics.json changed in 'models/churn'"));
  EXPECT_THAT(h.findings("co-change", kEntry), IsEmpty());
}

TEST(CoChange, NoTriggerIsASkipNotAPass) {
  RuleHarness h;
  h.add("src/app.py", "print(1)\n");
  EXPECT_EQ(h.run("co-change", kEntry).skipped, "no changed file matches 'if'");
}

}  // namespace
}  // namespace gate::test
