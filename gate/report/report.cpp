#include "gate/report/report.hpp"

namespace gate {

size_t Report::count(Severity severity, bool include_waived) const {
  size_t n = 0;
  for (const auto& finding : findings) {
    if (finding.severity == severity && (include_waived || !finding.waived_by)) ++n;
  }
  return n;
}

size_t Report::waived_count() const {
  size_t n = 0;
  for (const auto& finding : findings) n += finding.waived_by ? 1 : 0;
  return n;
}

}  // namespace gate
