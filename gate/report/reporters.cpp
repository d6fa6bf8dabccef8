#include <algorithm>

#include "gate/report/reporter.hpp"

namespace gate {

const std::vector<Reporter>& reporters() {
  static const std::vector<Reporter> all = {
      {"text", "for people: findings grouped by rule, a verdict line", render_text, {}},
      {"json", "the stable JSON schema of docs/formats.md", render_json, {}},
  };
  return all;
}

const Reporter* find_reporter(std::string_view name) {
  const auto& all = reporters();
  auto it = std::find_if(all.begin(), all.end(), [&](const Reporter& r) { return r.name == name; });
  return it == all.end() ? nullptr : &*it;
}

}  // namespace gate
