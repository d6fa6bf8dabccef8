// JUnit XML as GitLab's test report reads it: a test suite per rule family, a test case per
// policy rule (classname gate.<family>), findings as the failure's text.
#include <map>

#include "gate/report/ci_reports.hpp"
#include "gate/report/escape.hpp"
#include "gate/report/report_helpers.hpp"

namespace gate {

namespace {

std::string attr(std::string_view text) { return escape::xml(text, true); }
std::string body(std::string_view text) { return escape::xml(text, false); }

struct Case {
  std::string name;
  std::string family;
  std::string type;
  RuleStatus status = RuleStatus::pass;
  std::string reason;
  std::vector<const Finding*> findings;
  size_t unwaived = 0;
  size_t unwaived_errors = 0;
  Severity worst = Severity::notice;
};

std::string finding_line(const Finding& finding) {
  // Appended piece by piece: GCC 12 warns (-Wrestrict, falsely) on the chained operator+.
  std::string line = "[";
  line += to_string(finding.severity);
  line += "] ";
  line += report_helpers::location(finding);
  line += ": ";
  line += finding.message;
  if (finding.waived_by) {
    line += " (waived by ";
    line += *finding.waived_by;
    line += ')';
  }
  return line;
}

std::vector<Case> cases_of(const Decision& report) {
  std::vector<Case> cases;
  std::map<std::string, size_t> index;
  for (const auto& rule : report.rules) {
    index[rule.id] = cases.size();
    cases.push_back({rule.id,
                     rule.family.empty() ? "other" : rule.family,
                     rule.type,
                     rule.status,
                     rule.reason,
                     {},
                     0,
                     0,
                     Severity::notice});
  }
  for (const auto& finding : report.findings) {
    auto it = index.find(finding.rule_id);
    if (it == index.end()) {  // an engine-made finding: its own failing case
      it = index.emplace(finding.rule_id, cases.size()).first;
      cases.push_back(
          {finding.rule_id, "other", finding.rule_type, RuleStatus::fail, {}, {}, 0, 0,
           Severity::notice});
    }
    Case& c = cases[it->second];
    c.findings.push_back(&finding);
    if (!finding.waived_by) {
      ++c.unwaived;
      if (finding.severity == Severity::error) ++c.unwaived_errors;
      if (finding.severity > c.worst) c.worst = finding.severity;
    }
  }
  return cases;
}

// A case fails when an unwaived error finding remains, or its rule failed without findings to
// say why. Warnings and notices never fail a case (they do not block the merge either): they
// are listed in system-out, with waived findings, so they stay visible.
bool failed(const Case& c) {
  return c.unwaived_errors > 0 || (c.status == RuleStatus::fail && c.findings.empty());
}

std::string render_case(const Case& c) {
  std::string out =
      "    <testcase name=\"" + attr(c.name) + "\" classname=\"gate." + attr(c.family) + "\"";
  std::string findings_text;
  for (const Finding* finding : c.findings) findings_text += finding_line(*finding) + "\n";
  if (failed(c)) {
    std::string message = std::to_string(c.unwaived) + (c.unwaived == 1 ? " finding" : " findings");
    if (c.unwaived > 0) message += " (worst: " + std::string(to_string(c.worst)) + ")";
    out += ">\n      <failure message=\"" + attr(message) + "\" type=\"" +
           attr(c.unwaived > 0 ? std::string(to_string(c.worst)) : std::string("fail")) + "\">" +
           body(findings_text.empty() ? c.reason : findings_text) + "</failure>\n    </testcase>\n";
  } else if (c.status == RuleStatus::skipped) {
    out += ">\n      <skipped message=\"" + attr(c.reason) + "\"/>\n    </testcase>\n";
  } else if (!findings_text.empty()) {
    if (c.unwaived > 0) {
      findings_text = std::to_string(c.unwaived) + " " + std::string(to_string(c.worst)) +
                      "-level finding" + (c.unwaived == 1 ? "" : "s") +
                      ", reported but not blocking:\n" + findings_text;
    }
    out += ">\n      <system-out>" + body(findings_text) + "</system-out>\n    </testcase>\n";
  } else {
    out += "/>\n";
  }
  return out;
}

}  // namespace

std::string render_junit(const Decision& report, const RenderOptions& options) {
  (void)options;
  std::vector<Case> cases = cases_of(report);
  struct Counts {
    size_t tests = 0, failures = 0, skipped = 0;
  };
  auto count = [](const std::vector<const Case*>& group) {
    Counts n;
    for (const Case* c : group) {
      ++n.tests;
      if (failed(*c))
        ++n.failures;
      else if (c->status == RuleStatus::skipped)
        ++n.skipped;
    }
    return n;
  };
  auto counts_attrs = [](const Counts& n) {
    return " tests=\"" + std::to_string(n.tests) + "\" failures=\"" + std::to_string(n.failures) +
           "\" errors=\"0\" skipped=\"" + std::to_string(n.skipped) +
           "\"";
  };

  std::vector<const Case*> all;
  for (const auto& c : cases) all.push_back(&c);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"gate\"" + counts_attrs(count(all)) + ">\n";
  for (const auto& family : report_helpers::families(report)) {
    std::vector<const Case*> group;
    for (const auto& c : cases) {
      if (c.family == family) group.push_back(&c);
    }
    if (group.empty()) continue;
    out += "  <testsuite name=\"gate." + attr(family) + "\"" + counts_attrs(count(group)) + ">\n";
    for (const Case* c : group) out += render_case(*c);
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace gate
