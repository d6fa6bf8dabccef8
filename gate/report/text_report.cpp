#include <cstdio>

#include "gate/report/reporter.hpp"

namespace gate {

namespace {

// Paths and messages quote the repository: control bytes (newlines, ANSI escapes) are shown
// escaped so they can neither break the layout nor drive the terminal.
std::string printable(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
      out += buffer;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

struct Palette {
  const char* red = "";
  const char* yellow = "";
  const char* green = "";
  const char* dim = "";
  const char* bold = "";
  const char* reset = "";
};

Palette palette(bool color) {
  if (!color) return {};
  return {"\x1b[31m", "\x1b[33m", "\x1b[32m", "\x1b[2m", "\x1b[1m", "\x1b[0m"};
}

std::string location(const Finding& finding) {
  std::string where = finding.path.empty() ? "(change)" : printable(finding.path);
  // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on `":" + string`.
  if (finding.start_line > 0) {
    where += ':';
    where += std::to_string(finding.start_line);
    if (finding.end_line > finding.start_line) {
      where += '-';
      where += std::to_string(finding.end_line);
    }
  }
  return where;
}

std::string plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

std::string render_text(const Decision& report, const RenderOptions& options) {
  Palette p = palette(options.color);
  std::string out;
  out += "gate " + report.tool_version + ": " + plural(report.files_changed, "file") + " in " +
         plural(report.commits, "commit") + ", " + report.merge_base.substr(0, 12) + ".." +
         report.head.substr(0, 12) + "\n";
  out += "  base " + report.base.substr(0, 12) + " from " + printable(report.base_source) +
         "; head " + report.head.substr(0, 12) + " from " + printable(report.head_source) + "\n";
  out += "  policy: " + printable(report.policy.source);
  if (report.policy.overridden) out += " (local trial: not the base revision's policy)";
  out += "\n";
  if (report.rename_limit_needed) {
    out += "  warning: edited renames were not searched (too many files); set diff.renameLimit to "
           "at least " + std::to_string(report.rename_limit_needed) + " to search them all\n";
  }
  out += "\n";

  for (const auto& rule : report.rules) {
    const char* color = rule.status == RuleStatus::fail
                            ? (rule.severity == Severity::error ? p.red : p.yellow)
                        : rule.status == RuleStatus::pass ? p.green
                                                : p.dim;
    std::string label = rule.status == RuleStatus::fail   ? "FAIL"
                        : rule.status == RuleStatus::pass ? "pass"
                                                          : "skip";
    out += std::string(color) + label + p.reset + "  " + p.bold + rule.id + p.reset + " (" +
           rule.type + ", " + std::string(to_string(rule.severity)) + ")";
    if (rule.status == RuleStatus::skipped && !rule.reason.empty()) out += ": " + printable(rule.reason);
    if (rule.waived > 0) out += " [" + std::to_string(rule.waived) + " waived]";
    out += "\n";
    for (const auto& finding : report.findings) {
      if (finding.rule_id != rule.id) continue;
      out += "      " + location(finding) + ": ";
      if (finding.severity != rule.severity) {
        out += std::string(to_string(finding.severity)) + ": ";
      }
      out += printable(finding.message);
      if (finding.waived_by)
        out +=
            std::string(" ") + p.dim + "[waived: " + printable(*finding.waived_by) + "]" + p.reset;
      out += "\n";
    }
  }
  // Findings of engine-level checks (e.g. expired waivers) that belong to no policy rule.
  for (const auto& finding : report.findings) {
    bool listed = false;
    for (const auto& rule : report.rules) listed = listed || rule.id == finding.rule_id;
    if (listed) continue;
    out += std::string(p.red) + "FAIL" + p.reset + "  " + finding.rule_id + ": " +
           location(finding) + ": " + printable(finding.message) + "\n";
  }
  if (options.attestation && !options.attestation->location.empty()) {
    out += "\nattestation: " + printable(options.attestation->location) + "\n";
  }
  size_t errors = report.count(Severity::error);
  std::string counts = plural(errors, "error") + ", " +
                       plural(report.count(Severity::warning), "warning") + ", " +
                       plural(report.count(Severity::notice), "notice");
  if (size_t waived = report.waived_count()) counts += ", " + std::to_string(waived) + " waived";
  out += "\n";
  if (report.verdict == Verdict::pass) {
    out += std::string(p.green) + p.bold + "PASS" + p.reset + ": " + counts + "\n";
  } else if (report.mode == Mode::warn) {
    out += std::string(p.yellow) + p.bold + "FAIL" + p.reset + ": " + counts +
           " (warn mode: not blocking)\n";
  } else {
    out +=
        std::string(p.red) + p.bold + "FAIL" + p.reset + ": " + counts + "; the merge is blocked\n";
  }
  return out;
}

}  // namespace gate
