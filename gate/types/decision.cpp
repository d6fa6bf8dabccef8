#include "gate/types/decision.hpp"

namespace gate {

std::string_view to_string(RuleStatus status) {
  switch (status) {
    case RuleStatus::pass: return "pass";
    case RuleStatus::fail: return "fail";
    case RuleStatus::skipped: return "skipped";
  }
  return "pass";
}

std::string_view to_string(Verdict verdict) { return verdict == Verdict::fail ? "fail" : "pass"; }

std::string_view to_string(Mode mode) { return mode == Mode::warn ? "warn" : "enforce"; }

std::optional<Mode> parse_mode(std::string_view text) {
  if (text == "enforce") return Mode::enforce;
  if (text == "warn") return Mode::warn;
  return std::nullopt;
}

size_t Decision::count(Severity severity, bool include_waived) const {
  size_t n = 0;
  for (const auto& finding : findings) {
    if (finding.severity == severity && (include_waived || !finding.waived_by)) ++n;
  }
  return n;
}

size_t Decision::waived_count() const {
  size_t n = 0;
  for (const auto& finding : findings) n += finding.waived_by ? 1 : 0;
  return n;
}

}  // namespace gate
