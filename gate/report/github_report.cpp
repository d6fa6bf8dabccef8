// GitHub Actions: workflow-command annotations on stdout, and (publish) a Markdown step summary
// and step outputs written to the files the runner names.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "gate/report/ci_reports.hpp"
#include "gate/report/escape.hpp"
#include "gate/report/report_helpers.hpp"
#include "gate/types/redact.hpp"

namespace gate {

namespace {

std::string plural(size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string counts_line(const Decision& report) {
  return plural(report.count(Severity::error), "error") + ", " +
         plural(report.count(Severity::warning), "warning") + ", " +
         plural(report.count(Severity::notice), "notice") + " (" +
         std::to_string(report.waived_count()) + " waived)";
}

std::string annotation(const std::string& level, const Finding& finding) {
  std::string command = "::" + level + " ";
  if (!finding.path.empty()) {
    command += "file=" + escape::github_property(escape::valid_utf8(finding.path)) + ",";
    if (finding.start_line > 0) {
      command += "line=" + std::to_string(finding.start_line) + ",";
      if (finding.end_line > finding.start_line) {
        command += "endLine=" + std::to_string(finding.end_line) + ",";
      }
      if (finding.column > 0) command += "col=" + std::to_string(finding.column) + ",";
    }
  }
  std::string title = "Gate " + finding.rule_id + (finding.waived_by ? " (waived)" : "");
  command += "title=" + escape::github_property(escape::valid_utf8(title)) + "::";
  std::string message = finding.message;
  if (finding.path.empty()) message += " (applies to the whole change)";
  if (finding.waived_by) message += " (waived by " + *finding.waived_by + ")";
  command += escape::github_data(escape::valid_utf8(message));
  return command + "\n";
}


std::string md(std::string_view text) { return escape::markdown(text); }

// A URL as a Markdown link destination: characters that would end or break the link encoded.
std::string link_target(const std::string& url) {
  std::string out;
  for (char c : escape::valid_utf8(url)) {
    if (c == ' ' || c == '(' || c == ')' || c == '<' || c == '>' || c == '"' || c == '\'' ||
        c == '\\' || c == '`' || static_cast<unsigned char>(c) < 0x20) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[static_cast<unsigned char>(c) >> 4];
      out += kHex[static_cast<unsigned char>(c) & 0xF];
    } else {
      out += c;
    }
  }
  return out;
}

// One step output in the runner's heredoc syntax. A delimiter derived from the value cannot
// occur in it, and keeps the bytes deterministic.
std::string output(const std::string& name, const std::string& value) {
  std::string delimiter = "gate_" + sha256_hex(value).substr(0, 24);
  while (value.find(delimiter) != std::string::npos) delimiter += "_";
  return name + "<<" + delimiter + "\n" + value + "\n" + delimiter + "\n";
}

std::string status_cell(RuleStatus status) {
  switch (status) {
    case RuleStatus::pass: return "✅ pass";
    case RuleStatus::fail: return "❌ fail";
    case RuleStatus::skipped: return "⏭️ skipped";
  }
  return "";
}

}  // namespace

namespace {

struct Annotation {
  const char* level;
  const Finding* finding;
};

struct AnnotationPlan {
  std::vector<Annotation> shown;
  size_t hidden = 0;
};

// GitHub shows 10 annotations of each level per step. Security findings take the slots of their
// level first (a leaked key must never lose its slot to a path rule), errors before warnings
// before notices, and the last notice slot is kept for the verdict line, so nothing is dropped
// without saying so. Waived findings stay visible as notices, after everything that still counts.
AnnotationPlan plan_annotations(const Decision& report) {
  const std::array<std::pair<Severity, const char*>, 3> levels = {
      {{Severity::error, "error"}, {Severity::warning, "warning"}, {Severity::notice, "notice"}}};
  AnnotationPlan plan;
  size_t notices_shown = 0;
  for (const auto& [severity, level] : levels) {
    std::vector<const Finding*> candidates;
    for (const auto& finding : report.findings) {
      if (finding.severity == severity && !finding.waived_by) candidates.push_back(&finding);
    }
    std::stable_partition(candidates.begin(), candidates.end(),
                          [](const Finding* f) { return f->security; });
    size_t cap =
        severity == Severity::notice ? kGithubAnnotationsPerStep - 1 : kGithubAnnotationsPerStep;
    size_t shown = std::min(cap, candidates.size());
    for (size_t i = 0; i < shown; ++i) plan.shown.push_back({level, candidates[i]});
    plan.hidden += candidates.size() - shown;
    if (severity == Severity::notice) notices_shown = shown;
  }
  for (const auto& finding : report.findings) {
    if (!finding.waived_by) continue;
    if (notices_shown < kGithubAnnotationsPerStep - 1) {
      plan.shown.push_back({"notice", &finding});
      ++notices_shown;
    } else {
      ++plan.hidden;
    }
  }
  return plan;
}

}  // namespace

std::string render_github(const Decision& report, const RenderOptions& options) {
  (void)options;
  AnnotationPlan plan = plan_annotations(report);
  std::string out;
  for (const auto& shown : plan.shown) out += annotation(shown.level, *shown.finding);
  std::string summary = "Gate verdict: " + std::string(to_string(report.verdict)) + " (" + counts_line(report) + ")";
  if (plan.hidden > 0) {
    summary += "; " + plural(plan.hidden, "more finding") +
               " not shown as annotations (GitHub shows 10 per level and step): see the step "
               "summary or the json report";
  }
  out += "::notice title=Gate::" + escape::github_data(summary) + "\n";
  return out;
}

std::string render_github_summary(const Decision& report,
                                  const std::optional<AttestationRef>& attestation) {
  const size_t budget = kStepSummaryLimit - 4096;  // room for the closing lines
  std::string out;
  bool pass = report.verdict == Verdict::pass;
  out += "## Gate: " + std::string(pass ? "✅ pass" : "❌ fail") + "\n\n";
  out += (pass ? "Passed" : "Blocked") + std::string(": ") + counts_line(report) + " in " +
         plural(report.files_changed, "changed file") + ", " + plural(report.commits, "commit") +
         ".\n\n";
  out += "| | |\n| --- | --- |\n";
  auto revision = [&](const std::string& id, const std::string& source) {
    std::string cell = md(id.substr(0, 12));
    if (!source.empty()) cell += " (" + md(source) + ")";
    return cell;
  };
  out += "| Base | " + revision(report.base, report.base_source) + " |\n";
  out += "| Head | " + revision(report.head, report.head_source) + " |\n";
  std::string policy = md(report.policy.source);
  if (!report.policy.sha256.empty()) policy += " (sha256 " + md(report.policy.sha256) + ")";
  if (report.policy.overridden) policy += " **local override**";
  out += "| Policy | " + policy + " |\n";
  out += "| Mode | " + md(std::string(to_string(report.mode))) + " |\n";
  if (!report.context.run_url.empty()) {
    out += "| Run | [" + md(report.context.run_url) + "](" + link_target(report.context.run_url) +
           ") |\n";
  }
  if (attestation) {
    out += "| Attestation | sha256 " + md(attestation->sha256) + " |\n";
  }
  if (size_t hidden = plan_annotations(report).hidden; hidden > 0) {
    out += "\n_" + plural(hidden, "finding") +
           " not annotated (GitHub shows 10 annotations per level and step; security findings "
           "first): all are listed below._\n";
  }

  out +=
      "\n### Rules\n\n| Rule | Type | Severity | Status | Findings | Waived |\n"
      "| --- | --- | --- | --- | --- | --- |\n";
  size_t rules_listed = 0;
  for (const auto& rule : report.rules) {
    std::string row = "| " + md(rule.id) + " | " + md(rule.type) + " | " +
                      std::string(to_string(rule.severity)) + " | " + status_cell(rule.status);
    if (!rule.reason.empty()) row += ": " + md(rule.reason);
    row += " | " + std::to_string(rule.findings) + " | " + std::to_string(rule.waived) + " |\n";
    if (out.size() + row.size() > budget / 2) break;
    out += row;
    ++rules_listed;
  }
  if (rules_listed < report.rules.size()) {
    out += "\n_" + plural(report.rules.size() - rules_listed, "more rule") + " not listed._\n";
  }

  if (!report.findings.empty()) {
    out +=
        "\n### Findings\n\n| Severity | Rule | Location | Message |\n"
        "| --- | --- | --- | --- |\n";
    size_t listed = 0;
    for (const auto& finding : report.findings) {
      std::string severity(to_string(finding.severity));
      if (finding.waived_by) severity += " (waived by " + md(*finding.waived_by) + ")";
      std::string row = "| " + severity + " | " + md(finding.rule_id) + " | " +
                        md(report_helpers::location(finding)) + " | " + md(finding.message) +
                        " |\n";
      if (out.size() + row.size() > budget) break;
      out += row;
      ++listed;
    }
    if (listed < report.findings.size()) {
      out += "\n_" + plural(report.findings.size() - listed, "more finding") +
             " not listed (the step summary is limited to 1 MiB); the json and sarif reports "
             "have them all._\n";
    }
  }
  out += "\n";
  return out;
}

std::string render_github_outputs(const Decision& report,
                                  const std::optional<AttestationRef>& attestation) {
  size_t unwaived = report.findings.size() - report.waived_count();
  return output("verdict", std::string(to_string(report.verdict))) + output("findings", std::to_string(unwaived)) +
         output("attestation", attestation ? attestation->location : "");
}

std::vector<FileAppend> publish_github(const Decision& report, const RenderOptions& options,
                                       const Environment& env) {
  std::vector<FileAppend> appends;
  if (auto path = env("GITHUB_STEP_SUMMARY"); path && !path->empty()) {
    appends.push_back({*path, render_github_summary(report, options.attestation)});
  }
  if (auto path = env("GITHUB_OUTPUT"); path && !path->empty()) {
    appends.push_back({*path, render_github_outputs(report, options.attestation)});
  }
  return appends;
}

// A run that could not judge (exit 2) still says so where the engineer looks: one ::error
// annotation (at the offending file and line when known), outputs verdict=error, and a summary.
namespace {

// A policy read from a revision is named `<commit>:<path>` in errors; an annotation needs the
// repository path alone to land on the file.
std::string repository_path(const std::string& file) {
  size_t colon = file.find(':');
  if (colon < 7 || colon > 64) return file;
  for (size_t i = 0; i < colon; ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(file[i]))) return file;
  }
  return file.substr(colon + 1);
}

}  // namespace

std::string render_github_error(const GithubError& error) {
  std::string command = "::error ";
  if (!error.file.empty()) {
    command +=
        "file=" + escape::github_property(escape::valid_utf8(repository_path(error.file))) + ",";
    if (error.line > 0) command += "line=" + std::to_string(error.line) + ",";
  }
  std::string message = error.message;
  if (!error.hint.empty()) message += " (" + error.hint + ")";
  return command + "title=Gate error::" + escape::github_data(escape::valid_utf8(message)) + "\n";
}

std::vector<FileAppend> publish_github_error(const GithubError& error, const Environment& env) {
  std::vector<FileAppend> appends;
  if (auto path = env("GITHUB_STEP_SUMMARY"); path && !path->empty()) {
    std::string where =
        error.file.empty()
            ? std::string()
            : "`" + md(error.file) +
                  (error.line > 0 ? ":" + std::to_string(error.line) : std::string()) + "`: ";
    std::string summary =
        "## Gate: 💥 error\n\nGate could not judge this change (exit 2): " + where +
        md(error.message) + "\n";
    if (!error.hint.empty()) summary += "\nHint: " + md(error.hint) + "\n";
    appends.push_back({*path, summary + "\n"});
  }
  if (auto path = env("GITHUB_OUTPUT"); path && !path->empty()) {
    appends.push_back({*path, output("verdict", "error") + output("findings", "") +
                                  output("attestation", "") + output("error", error.message)});
  }
  return appends;
}

}  // namespace gate
