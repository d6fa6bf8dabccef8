// SARIF 2.1.0 (OASIS) as GitHub code scanning ingests it: one run per rule family, each with its
// own automationDetails.id category, so an upload replaces exactly the alerts of that family.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "gate/report/ci_reports.hpp"
#include "gate/report/escape.hpp"
#include "gate/report/report_helpers.hpp"
#include "gate/version.hpp"

namespace gate {

namespace {

using nlohmann::ordered_json;
using report_helpers::family_of;

std::string sarif_level(Severity severity) {
  switch (severity) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::notice:
      return "note";
  }
  return "note";
}

// GitHub maps security-severity to critical (>= 9.0), high (>= 7.0), medium (>= 4.0) and low.
std::string security_severity(Severity severity) {
  switch (severity) {
    case Severity::error:
      return "8.0";
    case Severity::warning:
      return "5.0";
    case Severity::notice:
      return "2.0";
  }
  return "2.0";
}

std::string docs_uri(const std::string& type) {
  return std::string(kInformationUri) + "/blob/main/docs/rules/" + escape::uri_path(type) + ".md";
}

// A reportingDescriptor for a policy rule, or for an id only findings know (engine-made findings).
ordered_json rule_descriptor(const std::string& id, const RuleOutcome* outcome,
                             const Finding* example) {
  std::string type = outcome ? outcome->type : (example ? example->rule_type : std::string());
  Severity severity = outcome ? outcome->severity : (example ? example->severity : Severity::error);
  bool security = outcome ? outcome->security : (example && example->security);
  // A rule type with a summary is a built-in one, documented under docs/rules/.
  std::string summary = outcome ? outcome->summary : std::string();
  bool documented = !summary.empty();
  std::string description = outcome && !outcome->description.empty() ? outcome->description
                            : !summary.empty()                       ? summary
                                                                     : "Gate rule " + id;
  std::string full = description;
  if (!summary.empty() && summary != description) full += " (" + type + ": " + summary + ")";

  std::string help = "Policy rule '" + id + "'";
  if (!type.empty()) help += " of type " + type;
  help += ". " + full + " See `gate explain " + id + "`";
  if (documented) help += " and " + docs_uri(type);
  help += ".";

  ordered_json rule;
  rule["id"] = id;
  if (!type.empty()) rule["name"] = type;
  rule["shortDescription"] = {{"text", description}};
  rule["fullDescription"] = {{"text", full}};
  rule["help"] = {{"text", help}};
  if (documented) rule["helpUri"] = docs_uri(type);
  rule["defaultConfiguration"] = {{"level", sarif_level(severity)}};
  ordered_json properties;
  ordered_json tags = ordered_json::array();
  if (security) tags.push_back("security");
  if (outcome && !outcome->family.empty()) tags.push_back(outcome->family);
  properties["tags"] = tags;
  if (security) properties["security-severity"] = security_severity(severity);
  rule["properties"] = properties;
  return rule;
}

ordered_json result_for(const Finding& finding, size_t rule_index) {
  ordered_json result;
  result["ruleId"] = finding.rule_id;
  result["ruleIndex"] = rule_index;
  result["level"] = sarif_level(finding.severity);
  std::string message = finding.message.empty() ? finding.rule_id : finding.message;
  if (finding.path.empty()) message += " (applies to the whole change)";
  result["message"] = {{"text", message}};

  // GitHub needs a location for every result; change-wide findings point at the policy.
  std::string path = finding.path.empty() ? report_helpers::policy_file() : finding.path;
  ordered_json physical;
  physical["artifactLocation"] = {{"uri", escape::uri_path(path)}};
  // Every result gets a region: GitHub code scanning needs at least startLine, so whole-file
  // and change-wide findings point at line 1.
  ordered_json region;
  region["startLine"] = finding.path.empty() || finding.start_line == 0 ? 1u : finding.start_line;
  if (!finding.path.empty() && finding.end_line > finding.start_line) {
    region["endLine"] = finding.end_line;
  }
  if (!finding.path.empty() && finding.column > 0) region["startColumn"] = finding.column;
  physical["region"] = region;
  result["locations"] = ordered_json::array({{{"physicalLocation", physical}}});
  if (!finding.fingerprint.empty()) {
    result["partialFingerprints"] = {{"gateFindingHash/v1", finding.fingerprint}};
  }
  if (finding.waived_by) {
    result["suppressions"] = ordered_json::array(
        {{{"kind", "external"}, {"status", "accepted"}, {"justification", *finding.waived_by}}});
  }
  return result;
}

// The findings of one run, at most `cap`: the most severe are kept (GitHub also ranks by
// severity), then put back in report order.
std::vector<const Finding*> capped(std::vector<const Finding*> findings, size_t cap) {
  if (findings.size() <= cap) return findings;
  std::vector<size_t> order(findings.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return findings[a]->severity > findings[b]->severity;
  });
  order.resize(cap);
  std::sort(order.begin(), order.end());
  std::vector<const Finding*> kept;
  for (size_t i : order) kept.push_back(findings[i]);
  return kept;
}

ordered_json run_for(const Decision& report, const std::string& family, size_t result_cap) {
  ordered_json rules = ordered_json::array();
  std::vector<std::string> rule_ids;
  auto index_of = [&](const std::string& id, const RuleOutcome* outcome, const Finding* example) {
    auto it = std::find(rule_ids.begin(), rule_ids.end(), id);
    if (it != rule_ids.end()) return static_cast<size_t>(it - rule_ids.begin());
    rule_ids.push_back(id);
    rules.push_back(rule_descriptor(id, outcome, example));
    return rule_ids.size() - 1;
  };
  for (const auto& outcome : report.rules) {
    if ((outcome.family.empty() ? "other" : outcome.family) == family) {
      index_of(outcome.id, &outcome, nullptr);
    }
  }

  std::vector<const Finding*> findings;
  for (const auto& finding : report.findings) {
    if (family_of(report, finding) == family) findings.push_back(&finding);
  }
  std::vector<const Finding*> kept = capped(findings, result_cap);
  ordered_json results = ordered_json::array();
  for (const Finding* finding : kept) {
    size_t index =
        index_of(finding->rule_id, report_helpers::find_outcome(report, finding->rule_id), finding);
    results.push_back(result_for(*finding, index));
  }

  ordered_json driver;
  driver["name"] = "Gate";
  driver["version"] = kVersion;
  driver["semanticVersion"] = kVersion;
  driver["informationUri"] = kInformationUri;
  driver["rules"] = rules;

  ordered_json run;
  run["tool"] = {{"driver", driver}};
  ordered_json invocation;
  invocation["executionSuccessful"] = true;
  if (kept.size() < findings.size()) {
    size_t omitted = findings.size() - kept.size();
    invocation["toolExecutionNotifications"] = ordered_json::array(
        {{{"level", "warning"},
          {"message",
           {{"text", std::to_string(omitted) + " of " + std::to_string(findings.size()) + " " +
                         family + " findings are not in this SARIF run (limit " +
                         std::to_string(result_cap) +
                         " results, most severe kept); the json report lists them all."}}}}});
  }
  run["invocations"] = ordered_json::array({invocation});
  run["automationDetails"] = {{"id", "gate/" + family + "/"}};
  run["columnKind"] = "unicodeCodePoints";
  run["results"] = results;
  ordered_json properties;
  properties["verdict"] = to_string(report.verdict);
  if (!report.base.empty()) properties["base"] = report.base;
  if (!report.head.empty()) properties["head"] = report.head;
  if (kept.size() < findings.size()) properties["omittedResults"] = findings.size() - kept.size();
  run["properties"] = properties;
  return run;
}

}  // namespace

std::string render_sarif_capped(const Decision& report, size_t result_cap) {
  ordered_json doc;
  doc["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  doc["version"] = "2.1.0";
  ordered_json runs = ordered_json::array();
  std::vector<std::string> families = report_helpers::families(report);
  // With no rule at all, one empty run still tells code scanning that Gate ran.
  if (families.empty()) families.push_back("other");
  for (const auto& family : families) runs.push_back(run_for(report, family, result_cap));
  doc["runs"] = runs;
  return doc.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

std::string render_sarif(const Decision& report, const RenderOptions& options) {
  (void)options;
  return render_sarif_capped(report, kSarifResultCap);
}

}  // namespace gate
