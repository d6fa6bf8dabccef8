#include <nlohmann/json.hpp>

#include "gate/report/reporter.hpp"

namespace gate {

namespace {

using Json = nlohmann::ordered_json;

Json finding_json(const Finding& f) {
  Json j;
  j["rule_id"] = f.rule_id;
  j["rule_type"] = f.rule_type;
  j["severity"] = std::string(to_string(f.severity));
  j["path"] = f.path;
  j["start_line"] = f.start_line;
  j["end_line"] = f.end_line ? f.end_line : f.start_line;
  j["column"] = f.column;
  j["message"] = f.message;
  j["fingerprint"] = f.fingerprint;
  j["security"] = f.security;
  j["waived"] = f.waived_by ? Json(*f.waived_by) : Json(nullptr);
  return j;
}

}  // namespace

std::string render_json(const Decision& report, const RenderOptions& options) {
  Json doc;
  doc["schema_version"] = 1;
  doc["tool"] = {{"name", "gate"}, {"version", report.tool_version}};
  doc["verdict"] = to_string(report.verdict);
  doc["exit_code"] = report.exit_code;
  doc["mode"] = to_string(report.mode);
  doc["base"] = {{"commit", report.base}, {"source", report.base_source}};
  doc["head"] = {{"commit", report.head}, {"source", report.head_source}};
  doc["merge_base"] = report.merge_base;
  doc["policy"] = {{"source", report.policy.source},
                   {"path", report.policy.path},
                   {"sha256", report.policy.sha256},
                   {"revision", report.policy.revision},
                   {"overridden", report.policy.overridden}};
  const CiContext& c = report.context;
  doc["context"] = {{"provider", c.provider}, {"event", c.event}, {"repository", c.repository},
                    {"run_url", c.run_url},   {"actor", c.actor}, {"change_id", c.change_id}};
  doc["summary"] = {{"files", report.files_changed},
                    {"commits", report.commits},
                    {"errors", report.count(Severity::error)},
                    {"warnings", report.count(Severity::warning)},
                    {"notices", report.count(Severity::notice)},
                    {"waived", report.waived_count()}};
  if (report.rename_limit_needed) doc["summary"]["rename_limit_needed"] = report.rename_limit_needed;
  Json rules = Json::array();
  for (const auto& r : report.rules) {
    rules.push_back({{"id", r.id},
                     {"type", r.type},
                     {"family", r.family},
                     {"severity", std::string(to_string(r.severity))},
                     {"status", to_string(r.status)},
                     {"reason", r.reason},
                     {"findings", r.findings},
                     {"waived", r.waived}});
  }
  doc["rules"] = std::move(rules);
  Json findings = Json::array();
  for (const auto& f : report.findings) findings.push_back(finding_json(f));
  doc["findings"] = std::move(findings);
  Json waivers = Json::array();
  for (const auto& w : report.waivers) {
    waivers.push_back({{"rule", w.rule},
                       {"paths", w.paths},
                       {"fingerprint", w.fingerprint},
                       {"reason", w.reason},
                       {"approved_by", w.approved_by},
                       {"expires", w.expires},
                       {"matched", w.matched},
                       {"expired", w.expired}});
  }
  doc["waivers"] = std::move(waivers);
  bool located = options.attestation && !options.attestation->location.empty();
  doc["attestation"] = located ? Json{{"path", options.attestation->location},
                                                 {"sha256", options.attestation->sha256}}
                                          : Json(nullptr);
  // Paths are bytes: invalid UTF-8 is replaced (U+FFFD) rather than failing the report.
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace gate
