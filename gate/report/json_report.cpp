#include <nlohmann/json.hpp>

#include "gate/report/reporter.hpp"

namespace gate {

std::string render_json(const Report& report, const RenderOptions& options) {
  (void)options;
  nlohmann::ordered_json doc;
  doc["verdict"] = report.verdict;
  return doc.dump(2) + "\n";
}

}  // namespace gate
