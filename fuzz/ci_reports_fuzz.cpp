// Repository bytes (a path and a message) through every CI report: the reports must stay
// well-formed for their consumers whatever the bytes are.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "gate/report/ci_reports.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  size_t split = bytes.find('\x00');
  gate::Decision report;
  report.verdict = gate::Verdict::fail;
  gate::RuleOutcome rule;
  rule.id = "r";
  rule.type = "forbidden-paths";
  rule.family = "code";
  rule.status = gate::RuleStatus::fail;
  rule.findings = 1;
  report.rules.push_back(rule);
  gate::Finding finding;
  finding.rule_id = "r";
  finding.path = bytes.substr(0, split);
  finding.message = split == std::string::npos ? bytes : bytes.substr(split + 1);
  finding.start_line = static_cast<uint32_t>(size);
  finding.fingerprint.push_back('f');  // not = "f": GCC 12 warns (-Wrestrict, falsely) at -O3
  report.findings.push_back(finding);

  // JSON reports parse (invalid UTF-8 is replaced, never thrown).
  nlohmann::json sarif = nlohmann::json::parse(gate::render_sarif(report, {}));
  nlohmann::json gitlab = nlohmann::json::parse(gate::render_gitlab(report, {}));
  if (!sarif.is_object() || !gitlab.is_array()) std::abort();
  // Every annotation line is a workflow command: no repository byte starts a line of its own.
  std::string annotations = gate::render_github(report, {});
  for (size_t at = 0; at < annotations.size(); at = annotations.find('\n', at) + 1) {
    if (annotations.compare(at, 2, "::") != 0) std::abort();
  }
  // The step summary keeps one table row per line.
  std::string summary = gate::render_github_summary(report, std::nullopt);
  if (summary.find('\r') != std::string::npos) std::abort();
  std::string junit = gate::render_junit(report, {});
  for (unsigned char c : junit) {
    if (c < 0x20 && c != '\n' && c != '\t') std::abort();
  }
  return 0;
}
