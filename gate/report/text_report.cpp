#include "gate/report/reporter.hpp"

namespace gate {

std::string render_text(const Report& report, const RenderOptions& options) {
  (void)options;
  return "verdict: " + report.verdict + "\n";
}

}  // namespace gate
