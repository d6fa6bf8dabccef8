#include <algorithm>

#include "gate/report/ci_reports.hpp"
#include "gate/report/reporter.hpp"

namespace gate {

const std::vector<Reporter>& reporters() {
  static const std::vector<Reporter> all = {
      {"text", "for people: findings grouped by rule, a verdict line", render_text, {}},
      {"json", "the stable JSON schema of docs/formats.md", render_json, {}},
      {"sarif", "SARIF 2.1.0 for GitHub code scanning, one run per rule family", render_sarif, {}},
      {"junit", "JUnit XML for GitLab's test report: a test case per rule", render_junit, {}},
      {"gitlab", "GitLab code quality (Code Climate JSON)", render_gitlab, {}},
      {"github", "GitHub annotations; step summary and outputs", render_github, publish_github},
  };
  return all;
}

const Reporter* find_reporter(std::string_view name) {
  const auto& all = reporters();
  auto it = std::find_if(all.begin(), all.end(), [&](const Reporter& r) { return r.name == name; });
  return it == all.end() ? nullptr : &*it;
}

}  // namespace gate
