#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "gate/types/decision.hpp"

namespace gate::report_helpers {

// The outcome of the policy rule a finding belongs to; nullptr for findings the engine made
// itself (e.g. an expired waiver) under an id no policy rule has.
inline const RuleOutcome* find_outcome(const Decision& report, std::string_view rule_id) {
  auto it = std::find_if(report.rules.begin(), report.rules.end(),
                         [&](const RuleOutcome& r) { return r.id == rule_id; });
  return it == report.rules.end() ? nullptr : &*it;
}

inline std::string family_of(const Decision& report, const Finding& finding) {
  const RuleOutcome* outcome = find_outcome(report, finding.rule_id);
  return outcome && !outcome->family.empty() ? outcome->family : std::string("other");
}

// Rule families in report order: the four documented families first, then any other name.
inline std::vector<std::string> families(const Decision& report) {
  static const std::vector<std::string> kOrder = {"code", "data", "model", "process"};
  std::vector<std::string> found;
  auto add = [&](const std::string& family) {
    if (std::find(found.begin(), found.end(), family) == found.end()) found.push_back(family);
  };
  for (const auto& rule : report.rules) add(rule.family.empty() ? "other" : rule.family);
  for (const auto& finding : report.findings) add(family_of(report, finding));
  std::sort(found.begin(), found.end(), [](const std::string& a, const std::string& b) {
    auto rank = [](const std::string& f) {
      return std::find(kOrder.begin(), kOrder.end(), f) - kOrder.begin();
    };
    return std::make_pair(rank(a), a) < std::make_pair(rank(b), b);
  });
  return found;
}

// Where a finding sits, for people: `path:line`, `path` or `(change)` for change-wide findings.
inline std::string location(const Finding& finding) {
  if (finding.path.empty()) return "(change)";
  std::string text = finding.path;
  if (finding.start_line > 0) {
    // Appended piece by piece: GCC 12 warns (-Wrestrict, falsely) on the chained operator+.
    text += ':';
    text += std::to_string(finding.start_line);
    if (finding.end_line > finding.start_line) {
      text += '-';
      text += std::to_string(finding.end_line);
    }
  }
  return text;
}

// The file change-wide findings (commit messages, approvals) are attached to in formats that need
// a file: the policy that required them.
inline std::string policy_file() { return ".gate/policy.yaml"; }

}  // namespace gate::report_helpers
