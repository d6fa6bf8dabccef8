// Waivers and the ignore list: parsing, matching, expiry, and which revision they come from.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gate/engine/waivers.hpp"
#include "gate/types/errors.hpp"
#include "tests/process/harness.hpp"

namespace gate::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// 2025-06-15T12:00:00Z
constexpr int64_t kNow = 1'749'988'800;

const char* kPolicy = R"(version: 1
owners: ["@alice"]
rules:
  - id: no-keys
    type: forbidden-paths
    paths: ["**/*.pem"]
  - id: protect-policy
    type: policy-change
)";

InputError error_of(const std::string& text) {
  try {
    parse_waivers(text, ".gate/waivers.yaml");
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for: " << text;
  return InputError("none");
}

struct Applied {
  Evaluation evaluation;
  std::vector<WaiverRecord> records;
};

Applied apply(Scenario& scenario, int64_t now = kNow) {
  Applied out{scenario.run(now), {}};
  out.records =
      apply_waivers(out.evaluation, scenario.policy, scenario.change, scenario.blobs, now);
  return out;
}

const Finding* finding_at(const Evaluation& evaluation, const std::string& path) {
  for (const auto& f : evaluation.findings) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

TEST(Waivers, ParsesEveryField) {
  auto waivers = parse_waivers(R"(version: 1
waivers:
  - rule: no-keys
    paths: ["tests/fixtures/**"]
    reason: Test fixture, never deployed
    approved-by: ["@alice", "@bob"]
    expires: 2025-12-31
)",
                               ".gate/waivers.yaml");
  ASSERT_EQ(waivers.size(), 1u);
  EXPECT_EQ(waivers[0].rule, "no-keys");
  EXPECT_EQ(waivers[0].approved_by, "@alice, @bob");
  EXPECT_EQ(waivers[0].line, 3u);
  EXPECT_EQ(waivers[0].expires_end, 1767225600);  // 2026-01-01T00:00:00Z
  EXPECT_TRUE(parse_waivers("", "w.yaml").empty());
  EXPECT_TRUE(parse_waivers("waivers: []\n", "w.yaml").empty());
}

TEST(Waivers, PolicyErrorsNameFileLineAndColumn) {
  InputError e = error_of(
      "waivers:\n  - rule: r\n    paths: [a]\n    approved-by: x\n    expires: 2025-01-01\n");
  EXPECT_EQ(e.file(), ".gate/waivers.yaml");
  EXPECT_EQ(e.line(), 2u);
  EXPECT_THAT(e.message(), HasSubstr("needs a `reason`"));
  e = error_of("waivers:\n  - rule: r\n    paths: [a]\n    reason: why\n    approved-by: x\n");
  EXPECT_THAT(e.message(), HasSubstr("needs `expires`"));
  e = error_of(
      "waivers:\n  - rule: r\n    paths: [a]\n    reason: why\n    approved-by: x\n"
      "    expires: 2025-02-30\n");
  EXPECT_EQ(e.line(), 6u);
  EXPECT_EQ(e.column(), 14u);
  EXPECT_THAT(e.message(), HasSubstr("'2025-02-30' is not a date"));
  EXPECT_THAT(
      error_of(
          "waivers:\n  - rule: r\n    reason: y\n    approved-by: x\n    expires: 2025-01-01\n")
          .message(),
      HasSubstr("needs `paths` or `fingerprint`"));
  EXPECT_THAT(
      error_of("waivers:\n  - rule: r\n    fingerprint: abc\n    reason: y\n    approved-by: x\n"
               "    expires: 2025-01-01\n")
          .message(),
      HasSubstr("64 lowercase hex"));
  EXPECT_THAT(
      error_of("waivers:\n  - rule: r\n    paths: [a]\n    reason: y\n    expires: 2025-01-01\n")
          .message(),
      HasSubstr("needs `approved-by`"));
  EXPECT_THAT(error_of("waivers:\n  - rule: r\n    paths: [a]\n    reason: y\n    approved-by: x\n"
                       "    expires: 2025-01-01\n    expiry: 2026-01-01\n")
                  .message(),
              HasSubstr("unknown key 'expiry'"));
  EXPECT_THAT(
      error_of("waivers:\n  - rule: r\n    paths: [\"a//b\"]\n    reason: y\n    approved-by: x\n"
               "    expires: 2025-01-01\n")
          .message(),
      HasSubstr("empty segment"));
  e = error_of("waivers:\n  - rule: [unclosed\n");
  EXPECT_EQ(e.line(), 3u);
  EXPECT_THAT(e.message(), HasSubstr("invalid YAML"));
  EXPECT_THAT(error_of("- a\n").message(), HasSubstr("must be a mapping"));
  EXPECT_THAT(error_of("waivers: {}\n").message(), HasSubstr("must be a list"));
  EXPECT_THAT(error_of("waivers:\n  - just text\n").message(),
              HasSubstr("waiver 1 must be a mapping"));
  EXPECT_THAT(error_of("version: 2\n").message(), HasSubstr("unsupported version"));
}

TEST(Waivers, HostileBytes) {
  EXPECT_THROW(parse_waivers(std::string("waivers:\n  - rule: \0x\n", 21), "w.yaml"), InputError);
  EXPECT_THROW(parse_waivers("waivers:\n  - rule: \xFF\xFE\n", "w.yaml"), InputError);
  // yaml-cpp refuses nesting deep enough to exhaust the stack; Gate reports it as input.
  EXPECT_THROW(parse_waivers("waivers: " + std::string(100000, '['), "w.yaml"), InputError);
  std::string long_reason(1 << 20, 'r');
  auto waivers = parse_waivers("waivers:\n  - rule: r\n    paths: [a]\n    reason: " + long_reason +
                                   "\n    approved-by: x\n    expires: 2030-01-01\n",
                               "w.yaml");
  EXPECT_EQ(waivers[0].reason.size(), long_reason.size());
}

TEST(IgnoreList, FormsCommentsAndErrors) {
  std::string fp(64, 'a');
  auto entries = parse_ignore_list(
      "# known\n\n" + fp + "\nno-keys:" + fp + "  # why\r\nno-keys:a:b.pem:" + fp + "\n",
      ".gateignore");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].line, 3u);
  EXPECT_EQ(entries[0].rule, "");
  EXPECT_EQ(entries[1].rule, "no-keys");
  EXPECT_FALSE(entries[1].path);
  EXPECT_EQ(*entries[2].path, "a:b.pem");
  try {
    parse_ignore_list(fp + "\n  not-a-fingerprint\n", ".gateignore");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).substr(0, 16), ".gateignore:2:3:");
  }
  EXPECT_THROW(parse_ignore_list(":" + fp, ".gateignore"), InputError);
  EXPECT_THROW(parse_ignore_list(std::string(64, 'A'), ".gateignore"), InputError);
  EXPECT_THROW(parse_ignore_list(std::string("\0", 1) + fp, ".gateignore"), InputError);
  EXPECT_THROW(parse_ignore_list(std::string(1 << 20, 'f'), ".gateignore"), InputError);
}

TEST(Waivers, WaivedFindingsStayReportedAndAreCounted) {
  Scenario scenario(kPolicy);
  scenario.add(changed("tests/fixtures/key.pem", ChangeStatus::added));
  scenario.add(changed("deploy/key.pem", ChangeStatus::added));
  scenario.blobs.put(Tree::head, ".gate/waivers.yaml", R"(waivers:
  - rule: no-keys
    paths: ["tests/fixtures/**"]
    reason: Test fixture
    approved-by: "@alice"
    expires: 2025-06-15
)");
  Applied applied = apply(scenario);
  const Finding* fixture = finding_at(applied.evaluation, "tests/fixtures/key.pem");
  ASSERT_NE(fixture, nullptr);
  EXPECT_EQ(fixture->waived_by, ".gate/waivers.yaml:2");
  EXPECT_FALSE(finding_at(applied.evaluation, "deploy/key.pem")->waived_by);
  ASSERT_EQ(applied.records.size(), 1u);
  EXPECT_EQ(applied.records[0].matched, 1u);
  EXPECT_FALSE(applied.records[0].expired);  // valid through the whole expiry day
  EXPECT_EQ(applied.evaluation.outcomes[0].findings, 1u);
  EXPECT_EQ(applied.evaluation.outcomes[0].waived, 1u);
}

TEST(Waivers, EveryFindingWaivedTurnsTheRuleToPass) {
  Scenario scenario(kPolicy);
  scenario.add(changed("a.pem", ChangeStatus::added));
  Evaluation before = scenario.run(kNow);
  std::string fp = before.findings.at(0).fingerprint;
  scenario.blobs.put(Tree::head, ".gateignore", "no-keys:" + fp + "\n");
  Applied applied = apply(scenario);
  EXPECT_EQ(applied.evaluation.findings[0].waived_by, ".gateignore:1");
  EXPECT_EQ(applied.evaluation.outcomes[0].status, RuleStatus::pass);
  EXPECT_EQ(applied.records.at(0).reason, "listed in .gateignore:1");
  EXPECT_EQ(applied.records.at(0).matched, 1u);
}

TEST(Waivers, FingerprintWaiverMatchesOnlyThatFinding) {
  Scenario scenario(kPolicy);
  scenario.add(changed("a.pem", ChangeStatus::added));
  scenario.add(changed("b.pem", ChangeStatus::added));
  std::string fp = finding_at(scenario.run(kNow), "b.pem")->fingerprint;
  scenario.blobs.put(Tree::head, ".gate/waivers.yaml",
                     "waivers:\n  - rule: no-keys\n    fingerprint: " + fp +
                         "\n    reason: r\n    approved-by: a\n    expires: 2030-01-01\n");
  Applied applied = apply(scenario);
  EXPECT_FALSE(finding_at(applied.evaluation, "a.pem")->waived_by);
  EXPECT_TRUE(finding_at(applied.evaluation, "b.pem")->waived_by);
}

TEST(Waivers, ExpiredWaiverWaivesNothingAndIsAWarningFinding) {
  Scenario scenario(kPolicy);
  scenario.add(changed("a.pem", ChangeStatus::added));
  scenario.blobs.put(Tree::head, ".gate/waivers.yaml", R"(waivers:
  - rule: no-keys
    paths: ["*.pem"]
    reason: Legacy key, rotating
    approved-by: "@alice"
    expires: 2025-06-14
)");
  Applied applied = apply(scenario);
  EXPECT_FALSE(finding_at(applied.evaluation, "a.pem")->waived_by);
  const Finding* expired = finding_at(applied.evaluation, ".gate/waivers.yaml");
  ASSERT_NE(expired, nullptr);
  EXPECT_EQ(expired->rule_id, kExpiredWaiverRule);
  EXPECT_EQ(expired->severity, Severity::warning);  // its own finding blocks instead
  EXPECT_EQ(expired->start_line, 2u);
  EXPECT_EQ(expired->fingerprint.size(), 64u);
  EXPECT_EQ(expired->message,
            "waiver for rule 'no-keys' (Legacy key, rotating) expired on 2025-06-14 and no longer "
            "waives 1 finding of this change; renew it with a new `expires` and approval, or "
            "remove it");
  EXPECT_TRUE(applied.records[0].expired);
  EXPECT_EQ(applied.evaluation.outcomes.back().id, kExpiredWaiverRule);
  EXPECT_EQ(applied.evaluation.outcomes.back().status, RuleStatus::fail);
  EXPECT_EQ(applied.evaluation.outcomes.back().findings, 1u);
}

TEST(Waivers, ExpiredWaiverOfAnotherChangeIsOnlyAWarning) {
  Scenario scenario(kPolicy);
  scenario.add(changed("README.md", ChangeStatus::modified));
  scenario.blobs.put(Tree::head, ".gate/waivers.yaml", R"(waivers:
  - rule: no-keys
    paths: ["*.pem"]
    reason: Legacy key, rotating
    approved-by: "@alice"
    expires: 2025-06-14
)");
  Applied applied = apply(scenario);
  ASSERT_EQ(applied.evaluation.findings.size(), 1u);
  const Finding& expired = applied.evaluation.findings[0];
  EXPECT_EQ(expired.rule_id, kExpiredWaiverRule);
  EXPECT_EQ(expired.severity, Severity::warning);
  EXPECT_EQ(expired.message,
            "waiver for rule 'no-keys' (Legacy key, rotating) expired on 2025-06-14; renew it "
            "with a new `expires` and approval, or remove it");
  EXPECT_EQ(applied.evaluation.outcomes.back().severity, Severity::warning);
}

TEST(Waivers, ReadFromBaseUnlessPolicyChangeProtectsThem) {
  const char* unprotected = R"(version: 1
rules:
  - id: no-keys
    type: forbidden-paths
    paths: ["**/*.pem"]
)";
  Scenario scenario(unprotected);
  scenario.add(changed("a.pem", ChangeStatus::added));
  std::string waiver =
      "waivers:\n  - rule: no-keys\n    paths: [a.pem]\n    reason: r\n    approved-by: me\n"
      "    expires: 2030-01-01\n";
  // The change brings its own waiver: without policy-change it must not count.
  scenario.blobs.put(Tree::head, ".gate/waivers.yaml", waiver);
  EXPECT_EQ(waivers_tree(scenario.policy), Tree::base);
  EXPECT_FALSE(apply(scenario).evaluation.findings[0].waived_by);
  scenario.blobs.put(Tree::base, ".gate/waivers.yaml", waiver);
  EXPECT_TRUE(apply(scenario).evaluation.findings[0].waived_by);

  Scenario protected_policy(kPolicy);
  EXPECT_EQ(waivers_tree(protected_policy.policy), Tree::head);
  Scenario warning_only(R"(version: 1
rules:
  - id: protect-policy
    type: policy-change
    severity: warning
)");
  EXPECT_EQ(waivers_tree(warning_only.policy), Tree::base);
}

TEST(Waivers, NewWaiverInTheChangeStillNeedsOwnerApproval) {
  Scenario scenario(kPolicy);
  scenario.add(changed("a.pem", ChangeStatus::added));
  scenario.add(changed(".gate/waivers.yaml", ChangeStatus::added));
  scenario.blobs.put(Tree::head, ".gate/waivers.yaml",
                     "waivers:\n  - rule: no-keys\n    paths: [a.pem]\n    reason: r\n"
                     "    approved-by: me\n    expires: 2030-01-01\n");
  Applied applied = apply(scenario);
  EXPECT_TRUE(finding_at(applied.evaluation, "a.pem")->waived_by);
  const Finding* guard = finding_at(applied.evaluation, ".gate/waivers.yaml");
  ASSERT_NE(guard, nullptr);
  EXPECT_EQ(guard->rule_id, "protect-policy");
  EXPECT_FALSE(guard->waived_by);
  scenario.evidence.approvals = {approved("alice")};
  applied = apply(scenario);
  EXPECT_EQ(finding_at(applied.evaluation, ".gate/waivers.yaml"), nullptr);
}

TEST(Waivers, MalformedFilesInTheRevisionAreInputErrors) {
  Scenario scenario(kPolicy);
  scenario.add(changed("a.pem", ChangeStatus::added));
  scenario.blobs.put(Tree::head, ".gateignore", "oops\n");
  EXPECT_THROW(apply(scenario), InputError);
}

}  // namespace
}  // namespace gate::test
