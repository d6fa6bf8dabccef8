#include "gate/types/finding.hpp"

#include <algorithm>
#include <tuple>

namespace gate {

bool finding_less(const Finding& a, const Finding& b) {
  // Path first so reports read file by file; then position; then rule; the fingerprint last
  // breaks every remaining tie.
  return std::tie(a.path, a.start_line, a.column, a.rule_id, a.end_line, a.message, a.fingerprint) <
         std::tie(b.path, b.start_line, b.column, b.rule_id, b.end_line, b.message, b.fingerprint);
}

void sort_findings(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), finding_less);
}

}  // namespace gate
