#pragma once

// A fixed Decision value with findings of every rule family, waived and change-wide findings, and
// paths and messages that carry the metacharacters of every report format.
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "gate/types/decision.hpp"
#include "rules/registry.hpp"
#include "tests/support/support.hpp"

namespace gate::test {

inline Finding make_finding(std::string rule, std::string type, Severity severity, std::string path,
                            uint32_t line, std::string message, std::string fingerprint) {
  Finding f;
  f.rule_id = std::move(rule);
  f.rule_type = std::move(type);
  f.severity = severity;
  f.path = std::move(path);
  f.start_line = line;
  f.end_line = line;
  f.message = std::move(message);
  f.fingerprint = std::move(fingerprint);
  return f;
}

inline RuleOutcome make_rule(std::string id, std::string type, std::string family,
                             Severity severity, RuleStatus status, size_t findings,
                             size_t waived = 0, bool security = false) {
  RuleOutcome r;
  r.id = std::move(id);
  r.type = std::move(type);
  r.family = std::move(family);
  r.severity = severity;
  r.status = status;
  // As the engine fills it: the summary of a built-in type.
  if (const rules::RuleType* builtin = rules::registry().find(r.type)) r.summary = builtin->summary;
  r.findings = findings;
  r.waived = waived;
  r.security = security;
  return r;
}

inline Decision sample_report() {
  Decision report;
  report.tool_version = "0.1.0";
  report.context.provider = "github";
  report.context.repository = "acme/widgets";
  report.context.run_url = "https://github.com/acme/widgets/actions/runs/7000000001";
  report.base = "2222222222222222222222222222222222222222";
  report.head = "1111111111111111111111111111111111111111";
  report.merge_base = report.base;
  report.base_source = "GITHUB_EVENT_PATH pull_request.base.sha";
  report.head_source = "GITHUB_EVENT_PATH pull_request.head.sha";
  report.policy.source = "base:2222222222222222222222222222222222222222:.gate/policy.yaml";
  report.policy.path = ".gate/policy.yaml";
  report.policy.sha256 = "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12";
  report.verdict = Verdict::fail;
  report.exit_code = 1;
  report.files_changed = 5;
  report.commits = 2;

  report.rules = {
      make_rule("no-private-keys", "forbidden-paths", "code", Severity::error, RuleStatus::fail, 1, 0, true),
      make_rule("small-files", "max-file-size", "code", Severity::warning, RuleStatus::fail, 1),
      make_rule("data-schema", "sample-table-schema", "data", Severity::error, RuleStatus::pass, 0, 1),
      make_rule("model-card", "sample-model-card", "model", Severity::notice, RuleStatus::fail, 1),
      make_rule("signed-off", "sample-commit-trailers", "process", Severity::error, RuleStatus::fail, 1),
      make_rule("metrics-updated", "co-change", "model", Severity::error, RuleStatus::skipped, 0),
      make_rule("broken", "sample-broken", "process", Severity::error, RuleStatus::skipped, 0),
  };
  report.rules[0].description = "No private keys in the repository";
  report.rules[5].reason = "no file matching `if` changed";
  report.rules[6].reason = "cannot read <blob> & give up";

  report.findings = {
      make_finding("model-card", "sample-model-card", Severity::notice, "models/churn/README.md", 0,
                   "model card has no `license` | see *docs*", "f1"),
      make_finding("no-private-keys", "forbidden-paths", Severity::error, "secrets/a::b,c%d\nx.pem",
                   3, "'secrets/a::b,c%d\nx.pem' is a forbidden path", "f2"),
      make_finding("data-schema", "sample-table-schema", Severity::error, "data/<rows>&\"q\".csv",
                   7, "column \"age\" <int> & 'text'", "f3"),
      make_finding("small-files", "max-file-size", Severity::warning, "assets/big file #1.bin", 0,
                   "file is 12 MB, limit 5 MB", "f4"),
      make_finding("signed-off", "sample-commit-trailers", Severity::error, "", 0,
                   "commit 1111111 has no Signed-off-by trailer", "f5"),
  };
  report.findings[0].fingerprint_basis = "card";
  report.findings[1].security = true;
  report.findings[2].waived_by = "waiver: legacy export (expires 2026-12-31)";
  report.findings[2].end_line = 9;
  report.findings[2].column = 4;
  sort_findings(report.findings);
  return report;
}

// Compares with tests/ci/golden/<name>; GATE_UPDATE_GOLDEN=1 rewrites the file instead.
inline void expect_golden(const std::string& name, const std::string& actual) {
  std::filesystem::path path = std::filesystem::path(GATE_SOURCE_DIR) / "tests/ci/golden" / name;
  const char* update = std::getenv("GATE_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    write_file(path, actual);
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " missing; run with GATE_UPDATE_GOLDEN=1";
  EXPECT_EQ(actual, read_file(path)) << "differs from " << path;
}

}  // namespace gate::test
