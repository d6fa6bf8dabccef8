// GitLab code quality report (a Code Climate JSON array) for artifacts:reports:codequality.
#include <nlohmann/json.hpp>
#include <set>

#include "gate/report/ci_reports.hpp"
#include "gate/report/report_helpers.hpp"
#include "gate/types/redact.hpp"

namespace gate {

namespace {

// GitLab's scale is info < minor < major < critical < blocker. Blocking findings are critical
// (blocker for security ones); waived findings no longer block and are shown as info.
std::string codequality_severity(const Finding& finding) {
  if (finding.waived_by) return "info";
  switch (finding.severity) {
    case Severity::error:
      return finding.security ? "blocker" : "critical";
    case Severity::warning:
      return "minor";
    case Severity::notice:
      return "info";
  }
  return "info";
}

}  // namespace

std::string render_gitlab(const Decision& report, const RenderOptions& options) {
  (void)options;
  nlohmann::ordered_json issues = nlohmann::ordered_json::array();
  // GitLab drops all but one issue of a fingerprint; findings that share one (the same text at
  // two places) get distinct, still deterministic fingerprints.
  std::set<std::string> seen;
  for (const auto& finding : report.findings) {
    std::string fingerprint =
        finding.fingerprint.empty()
            ? sha256_hex(finding.rule_id + "\n" + finding.path + "\n" + finding.message)
            : finding.fingerprint;
    for (int n = 2; !seen.insert(fingerprint).second; ++n) {
      fingerprint = sha256_hex(finding.fingerprint + "\n" + std::to_string(n));
    }
    std::string description = finding.message.empty() ? finding.rule_id : finding.message;
    if (finding.path.empty()) description += " (applies to the whole change)";
    if (finding.waived_by) description += " (waived by " + *finding.waived_by + ")";

    nlohmann::ordered_json issue;
    issue["type"] = "issue";
    issue["description"] = description;
    issue["check_name"] = finding.rule_id;
    issue["fingerprint"] = fingerprint;
    issue["severity"] = codequality_severity(finding);
    if (finding.security) issue["categories"] = {"Security"};
    std::string path = finding.path.empty() ? report_helpers::policy_file() : finding.path;
    nlohmann::ordered_json lines;
    lines["begin"] = finding.start_line > 0 ? finding.start_line : 1;
    if (finding.end_line > finding.start_line) lines["end"] = finding.end_line;
    issue["location"] = {{"path", path}, {"lines", lines}};
    issues.push_back(issue);
  }
  return issues.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace gate
