// The dashboard's HTML: charts as inline SVG (bars filled with patterns and labelled with their
// numbers, so nothing depends on seeing colour), each with the table of its numbers beside it.
#include <algorithm>
#include <map>

#include "attest/statement.hpp"
#include "server/web/dashboard.hpp"
#include "server/web/html.hpp"

namespace gate::server::web {

namespace {

constexpr int kLabelWidth = 230;
constexpr int kBarWidth = 300;
constexpr int kRow = 24;

std::string patterns(const std::string& id) {
  return "<defs><pattern id=\"" + id +
         "-hatch\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" "
         "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/>"
         "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#a4161a\" stroke-width=\"3\"/>"
         "</pattern></defs>";
}

std::string shorten(const std::string& label) {
  return label.size() > 32 ? label.substr(0, 31) + "\xE2\x80\xA6" : label;
}

int scaled(uint64_t value, uint64_t max) {
  return max == 0 ? 0 : static_cast<int>(value * kBarWidth / max);
}

// A horizontal bar chart of counts, hatched bars, each labelled with its number.
std::string bar_chart(const std::string& id, const std::string& title,
                      const std::vector<Count>& counts) {
  size_t rows = std::min<size_t>(counts.size(), 15);
  uint64_t max = 0;
  for (size_t i = 0; i < rows; ++i) max = std::max(max, counts[i].second);
  int height = static_cast<int>(rows) * kRow + 8;
  std::string out = "<svg id=\"" + id + "\" role=\"img\" aria-labelledby=\"" + id +
                    "-title\" width=\"" + std::to_string(kLabelWidth + kBarWidth + 60) +
                    "\" height=\"" + std::to_string(height) + "\"><title id=\"" + id + "-title\">" +
                    escape(title) + "</title>" + patterns(id);
  for (size_t i = 0; i < rows; ++i) {
    int y = static_cast<int>(i) * kRow + 4;
    int width = std::max(1, scaled(counts[i].second, max));
    std::string value = std::to_string(counts[i].second);
    out += "<g class=\"bar\" data-label=\"" + escape(counts[i].first) + "\" data-value=\"" + value +
           "\"><text x=\"0\" y=\"" + std::to_string(y + 14) + "\" font-size=\"12\">" +
           escape(shorten(counts[i].first)) + "</text><rect x=\"" + std::to_string(kLabelWidth) +
           "\" y=\"" + std::to_string(y) + "\" width=\"" + std::to_string(width) +
           "\" height=\"18\" fill=\"url(#" + id + "-hatch)\" stroke=\"#000\"/><text x=\"" +
           std::to_string(kLabelWidth + width + 6) + "\" y=\"" + std::to_string(y + 14) +
           "\" font-size=\"12\">" + value + "</text></g>";
  }
  return out + "</svg>";
}

std::string count_table(const std::string& id, const std::string& what,
                        const std::vector<Count>& counts) {
  std::string out = "<table id=\"" + id + "\"><thead><tr><th scope=\"col\">" + escape(what) +
                    "</th><th scope=\"col\">decisions</th></tr></thead><tbody>";
  for (const auto& [label, n] : counts) {
    out +=
        "<tr><td>" + escape(label) + "</td><td class=\"num\">" + std::to_string(n) + "</td></tr>";
  }
  return out + "</tbody></table>";
}

// Per repository: a row per day, passes solid, failures hatched, both numbers written out.
std::string pass_fail_section(const std::vector<DayCount>& days) {
  std::map<std::string, std::vector<DayCount>> by_repository;
  for (const auto& day : days) by_repository[day.repository].push_back(day);
  std::string out;
  int chart = 0;
  for (auto& [repository, rows] : by_repository) {
    if (rows.size() > 30) rows.erase(rows.begin(), rows.end() - 30);  // the latest 30 days
    uint64_t max = 0;
    for (const auto& row : rows) max = std::max(max, row.pass + row.fail);
    std::string id = "passfail-" + std::to_string(chart++);
    int height = static_cast<int>(rows.size()) * kRow + 8;
    out += "<h3>" + escape(repository) + "</h3><div class=\"chart\"><svg id=\"" + id +
           "\" class=\"passfail\" data-repository=\"" + escape(repository) +
           "\" role=\"img\" aria-labelledby=\"" + id + "-title\" width=\"" +
           std::to_string(kLabelWidth + kBarWidth + 140) + "\" height=\"" + std::to_string(height) +
           "\"><title id=\"" + id + "-title\">Passes and failures per day, " + escape(repository) +
           "</title>" + patterns(id);
    std::string table =
        "<table><thead><tr><th scope=\"col\">day</th><th scope=\"col\">pass</th>"
        "<th scope=\"col\">fail</th></tr></thead><tbody>";
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& row = rows[i];
      int y = static_cast<int>(i) * kRow + 4;
      int pass_width = scaled(row.pass, max);
      int fail_width = scaled(row.fail, max);
      std::string numbers =
          std::to_string(row.pass) + " pass, " + std::to_string(row.fail) + " fail";
      out += "<g class=\"day\" data-day=\"" + row.day + "\" data-pass=\"" +
             std::to_string(row.pass) + "\" data-fail=\"" + std::to_string(row.fail) +
             "\"><text x=\"0\" y=\"" + std::to_string(y + 14) + "\" font-size=\"12\">" + row.day +
             "</text><rect x=\"" + std::to_string(kLabelWidth) + "\" y=\"" + std::to_string(y) +
             "\" width=\"" + std::to_string(pass_width) +
             "\" height=\"18\" fill=\"#2e6b30\" stroke=\"#000\"/><rect x=\"" +
             std::to_string(kLabelWidth + pass_width) + "\" y=\"" + std::to_string(y) +
             "\" width=\"" + std::to_string(fail_width) + "\" height=\"18\" fill=\"url(#" + id +
             "-hatch)\" stroke=\"#000\"/><text x=\"" +
             std::to_string(kLabelWidth + pass_width + fail_width + 6) + "\" y=\"" +
             std::to_string(y + 14) + "\" font-size=\"12\">" + numbers + "</text></g>";
      table += "<tr><td>" + row.day + "</td><td class=\"num\">" + std::to_string(row.pass) +
               "</td><td class=\"num\">" + std::to_string(row.fail) + "</td></tr>";
    }
    out += "</svg>" + table + "</tbody></table></div>";
  }
  return out;
}

std::string entry_link(uint64_t seq) {
  std::string n = std::to_string(seq);
  return "<a href=\"/ui/entries/" + n + "\">" + n + "</a>";
}

}  // namespace

std::string dashboard_body(const Dashboard& d, int64_t now) {
  std::string out = "<p id=\"totals\">" + std::to_string(d.decisions) +
                    " decisions: " + std::to_string(d.passes) + " pass, " +
                    std::to_string(d.failures) + " fail. Computed at " + attest::format_time(now) +
                    " from the signed statements in the log.</p>"
                    "<p>Legend: <svg width=\"16\" height=\"12\" aria-hidden=\"true\"><rect "
                    "width=\"16\" height=\"12\" fill=\"#2e6b30\" stroke=\"#000\"/></svg> solid: "
                    "pass; <svg width=\"16\" height=\"12\" aria-hidden=\"true\">" +
                    patterns("legend") +
                    "<rect width=\"16\" height=\"12\" fill=\"url(#legend-hatch)\" "
                    "stroke=\"#000\"/></svg> hatched: fail (or a count).</p>";
  out +=
      "<h2>Pass and fail over time, per repository</h2>" + pass_fail_section(d.per_repository_day);
  out += "<h2>Most failing rules</h2><div class=\"chart\">" +
         bar_chart("failing-rules", "Decisions each rule failed", d.failing_rules) +
         count_table("failing-rules-table", "rule", d.failing_rules) + "</div>";

  out += "<h2>Blocked changes waiting longest</h2>";
  if (d.blocked.empty()) {
    out += "<p id=\"blocked\">No change is blocked: every change's latest decision passed.</p>";
  } else {
    out +=
        "<table id=\"blocked\"><thead><tr><th scope=\"col\">repository</th><th scope=\"col\">"
        "change</th><th scope=\"col\">failing since</th><th scope=\"col\">waiting</th>"
        "<th scope=\"col\">latest decision</th></tr></thead><tbody>";
    for (const auto& b : d.blocked) {
      out += "<tr><td>" + escape(b.repository) + "</td><td>" + escape(b.change) + "</td><td>" +
             attest::format_time(b.first_failure) + "</td><td class=\"num\">" +
             duration_text(b.waiting_seconds) + "</td><td>" + entry_link(b.latest_seq) +
             "</td></tr>";
    }
    out += "</tbody></table>";
  }

  uint64_t soon = 0;
  for (const auto& w : d.waivers) soon += w.expiring_soon ? 1 : 0;
  out += "<h2>Waivers in force</h2><p id=\"waiver-counts\">" + std::to_string(d.waivers.size()) +
         " active, " + std::to_string(soon) + " expiring in the next 30 days.</p>";
  if (!d.waivers.empty()) {
    out +=
        "<table id=\"waivers\"><thead><tr><th scope=\"col\">repository</th><th scope=\"col\">"
        "rule</th><th scope=\"col\">paths</th><th scope=\"col\">reason</th><th scope=\"col\">"
        "approved by</th><th scope=\"col\">expires</th><th scope=\"col\">last seen</th>"
        "</tr></thead><tbody>";
    for (const auto& w : d.waivers) {
      std::string expiry = w.waiver.expires.empty() ? "never" : escape(w.waiver.expires);
      if (w.days_left) expiry += " (in " + std::to_string(*w.days_left) + " days)";
      if (w.expiring_soon) expiry = "<strong>\xE2\x9A\xA0 expiring soon: " + expiry + "</strong>";
      out += "<tr" + std::string(w.expiring_soon ? " class=\"expiring\"" : "") + "><td>" +
             escape(w.repository) + "</td><td>" + escape(w.waiver.rule) + "</td><td>" +
             escape(w.waiver.paths) + "</td><td>" + escape(w.waiver.reason) + "</td><td>" +
             escape(w.waiver.approved_by) + "</td><td>" + expiry + "</td><td>" +
             entry_link(w.last_seen_seq) + "</td></tr>";
    }
    out += "</tbody></table>";
  }

  out += "<h2>Time from first failure to pass, per change</h2><p id=\"median-time-to-pass\">";
  out += d.median_time_to_pass ? "Median " + duration_text(*d.median_time_to_pass) + " over " +
                                     std::to_string(d.time_to_pass.size()) + " changes."
                               : std::string("No change has gone from failing to passing yet.");
  out += "</p>";
  if (!d.time_to_pass.empty()) {
    out +=
        "<table id=\"time-to-pass\"><thead><tr><th scope=\"col\">repository</th>"
        "<th scope=\"col\">change</th><th scope=\"col\">first failure</th><th scope=\"col\">"
        "passed</th><th scope=\"col\">time to pass</th></tr></thead><tbody>";
    for (const auto& t : d.time_to_pass) {
      out += "<tr><td>" + escape(t.repository) + "</td><td>" + escape(t.change) + "</td><td>" +
             attest::format_time(t.first_failure) + "</td><td>" + entry_link(t.pass_seq) + " " +
             attest::format_time(t.passed) + "</td><td class=\"num\" data-seconds=\"" +
             std::to_string(t.seconds) + "\">" + duration_text(t.seconds) + "</td></tr>";
    }
    out += "</tbody></table>";
  }

  out += "<h2>Decisions per CI identity</h2><div class=\"chart\">" +
         bar_chart("per-identity", "Decisions per CI identity", d.per_identity) +
         count_table("per-identity-table", "CI identity", d.per_identity) + "</div>";
  return out;
}

}  // namespace gate::server::web
