#include "gate/engine/waivers.hpp"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <set>

#include "gate/types/errors.hpp"
#include "gate/types/params.hpp"
#include "gate/types/text.hpp"

// Waivers accept known findings for a while, with a reason and an approver; the ignore list
// accepts single findings by fingerprint. Both are read from the revision waivers_tree() names:
// see docs/waivers.md for why that is safe.

namespace gate {

namespace {

constexpr uint64_t kMaxWaiversBytes = 4ull << 20;
constexpr uint64_t kMaxIgnoreBytes = 16ull << 20;

// Hostile files carry megabyte values: messages never echo more than a line's worth.
std::string clip(std::string text) {
  if (text.size() > 200) text = text.substr(0, 200) + "...";
  return text;
}

bool is_fingerprint(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// First second after the UTC day `date` (YYYY-MM-DD), or nullopt when it is not a real date.
std::optional<int64_t> end_of_day(const std::string& date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(date[i]))) return std::nullopt;
  }
  int year = std::stoi(date.substr(0, 4));
  int month = std::stoi(date.substr(5, 2));
  int day = std::stoi(date.substr(8, 2));
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  std::tm parts{};
  parts.tm_year = year - 1900;
  parts.tm_mon = month - 1;
  parts.tm_mday = day;
  int64_t start = static_cast<int64_t>(timegm(&parts));
  // timegm normalises 2025-02-30 to March 2nd: a date that does not round-trip is not real.
  if (parts.tm_mday != day || parts.tm_mon != month - 1) return std::nullopt;
  return start + 86400;
}

std::string read_revision_file(const BlobSource& blobs, Tree tree, const std::string& path,
                               uint64_t limit, bool* found) {
  std::optional<std::string> text;
  try {
    text = blobs.read(tree, path, limit);
  } catch (const RuleError& e) {
    throw InputError(path, 0, 0, std::string("cannot be read: ") + e.what(),
                     "keep it under " + std::to_string(limit >> 20) + " MiB");
  }
  *found = text.has_value();
  return text.value_or("");
}

Waiver parse_waiver(const Params& entry) {
  Waiver waiver;
  waiver.line = entry.line();
  waiver.rule = entry.string_or("rule", "");
  if (waiver.rule.empty()) {
    entry.fail("rule", "a waiver needs `rule`: the id of the policy rule it waives");
  }
  waiver.paths = entry.string_list("paths");
  try {
    waiver.globs = GlobList(waiver.paths);
  } catch (const std::invalid_argument& e) {
    entry.fail("paths", clip(e.what()));
  }
  waiver.fingerprint = entry.string_or("fingerprint", "");
  if (!waiver.fingerprint.empty() && !is_fingerprint(waiver.fingerprint)) {
    entry.fail("fingerprint", "must be a finding's fingerprint: 64 lowercase hex digits",
               "copy it from the report (json: findings[].fingerprint)");
  }
  if (waiver.paths.empty() && waiver.fingerprint.empty()) {
    entry.fail("rule", "a waiver needs `paths` or `fingerprint`",
               "to switch a rule off for everything, change the policy instead");
  }
  waiver.reason = entry.string_or("reason", "");
  if (waiver.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    entry.fail("reason", "a waiver needs a `reason`",
               "say why the finding is acceptable, for the reviewers and the audit log");
  }
  std::vector<std::string> approvers = entry.string_list("approved-by");
  if (approvers.empty()) {
    entry.fail("approved-by", "a waiver needs `approved-by`", "name who accepted the risk");
  }
  for (size_t i = 0; i < approvers.size(); ++i) {
    waiver.approved_by += (i ? ", " : "") + approvers[i];
  }
  waiver.expires = entry.string_or("expires", "");
  if (waiver.expires.empty()) {
    entry.fail("expires", "a waiver needs `expires` (YYYY-MM-DD)", "waivers are never forever");
  }
  std::optional<int64_t> end = end_of_day(waiver.expires);
  if (!end) {
    entry.fail("expires", "'" + clip(waiver.expires) + "' is not a date",
               "write YYYY-MM-DD, e.g. 2025-12-31");
  }
  waiver.expires_end = *end;
  entry.finish();
  return waiver;
}

bool matches(const Waiver& waiver, const Finding& finding) {
  if (finding.rule_id != waiver.rule) return false;
  if (!waiver.fingerprint.empty() && finding.fingerprint != waiver.fingerprint) return false;
  if (!waiver.paths.empty() && (finding.path.empty() || !waiver.globs.matches(finding.path))) {
    return false;
  }
  return true;
}

bool matches(const IgnoreEntry& entry, const Finding& finding) {
  return finding.fingerprint == entry.fingerprint &&
         (entry.rule.empty() || entry.rule == finding.rule_id) &&
         (!entry.path || *entry.path == finding.path);
}

}  // namespace

std::vector<Waiver> parse_waivers(std::string_view text, const std::string& display_path) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw InputError(display_path, e.mark.is_null() ? 0 : static_cast<uint32_t>(e.mark.line + 1),
                     e.mark.is_null() ? 0 : static_cast<uint32_t>(e.mark.column + 1),
                     "invalid YAML: " + e.msg, "see docs/waivers.md for the format");
  }
  std::vector<Waiver> waivers;
  if (root.IsNull()) return waivers;
  if (!root.IsMap()) {
    throw InputError(display_path, static_cast<uint32_t>(root.Mark().line + 1),
                     static_cast<uint32_t>(root.Mark().column + 1),
                     "the waivers file must be a mapping with a `waivers:` list",
                     "see docs/waivers.md for the format");
  }
  Params top(display_path, root, "waivers file");
  int64_t version = top.integer_or("version", 1);
  if (version != 1) top.fail("version", "unsupported version", "this Gate reads version 1");
  std::optional<YAML::Node> list;
  if (top.has("waivers")) list = top.node()["waivers"];
  top.finish();
  if (!list) return waivers;
  if (!list->IsSequence()) top.fail("waivers", "must be a list of waivers");
  size_t index = 0;
  for (const auto& item : *list) {
    std::string where = "waiver " + std::to_string(++index);
    if (!item.IsMap()) {
      throw InputError(display_path, static_cast<uint32_t>(item.Mark().line + 1),
                       static_cast<uint32_t>(item.Mark().column + 1),
                       where +
                           " must be a mapping (rule, paths or fingerprint, reason, "
                           "approved-by, expires)");
    }
    waivers.push_back(parse_waiver(Params(display_path, item, where)));
  }
  return waivers;
}

std::vector<IgnoreEntry> parse_ignore_list(std::string_view text, const std::string& display_path) {
  std::vector<IgnoreEntry> entries;
  for_each_line(text, [&](std::string_view line, uint32_t number) {
    size_t hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return;
    size_t last = line.find_last_not_of(" \t\r");
    std::string_view entry = line.substr(first, last - first + 1);
    uint32_t column = static_cast<uint32_t>(first + 1);
    IgnoreEntry out;
    out.line = number;
    size_t fp_start = entry.rfind(':');
    std::string_view fingerprint =
        fp_start == std::string_view::npos ? entry : entry.substr(fp_start + 1);
    if (!is_fingerprint(fingerprint)) {
      uint32_t at =
          column + static_cast<uint32_t>(fp_start == std::string_view::npos ? 0 : fp_start + 1);
      throw InputError(display_path, number, at,
                       "expected a finding fingerprint (64 lowercase hex digits), optionally as "
                       "RULE:FINGERPRINT or RULE:PATH:FINGERPRINT",
                       "copy the fingerprint from the report; `#` starts a comment");
    }
    out.fingerprint = std::string(fingerprint);
    if (fp_start != std::string_view::npos) {
      std::string_view prefix = entry.substr(0, fp_start);
      size_t rule_end = prefix.find(':');
      out.rule = std::string(prefix.substr(0, rule_end));
      if (rule_end != std::string_view::npos) out.path = std::string(prefix.substr(rule_end + 1));
      if (out.rule.empty()) {
        throw InputError(display_path, number, column, "empty rule id before ':'",
                         "write RULE:FINGERPRINT or just FINGERPRINT");
      }
    }
    entries.push_back(std::move(out));
  });
  return entries;
}

Tree waivers_tree(const Policy& policy) {
  for (const auto& rule : policy.rules) {
    if (rule.type == "policy-change" && rule.severity == Severity::error) return Tree::head;
  }
  return Tree::base;
}

std::vector<WaiverRecord> apply_waivers(Evaluation& evaluation, const Policy& policy,
                                        const ChangeSet& change, const BlobSource& blobs,
                                        int64_t now) {
  (void)change;
  const Tree tree = waivers_tree(policy);
  spdlog::debug("reading waivers from the {} revision", tree == Tree::head ? "head" : "base");
  bool found = false;
  std::string text = read_revision_file(blobs, tree, policy.waivers_path, kMaxWaiversBytes, &found);
  std::vector<Waiver> waivers =
      found ? parse_waivers(text, policy.waivers_path) : std::vector<Waiver>{};
  text = read_revision_file(blobs, tree, policy.ignore_path, kMaxIgnoreBytes, &found);
  std::vector<IgnoreEntry> ignores =
      found ? parse_ignore_list(text, policy.ignore_path) : std::vector<IgnoreEntry>{};

  std::set<std::string> rule_ids;
  for (const auto& rule : policy.rules) rule_ids.insert(rule.id);

  std::vector<WaiverRecord> records;
  for (const auto& waiver : waivers) {
    WaiverRecord record;
    record.rule = waiver.rule;
    record.paths = waiver.paths;
    record.fingerprint = waiver.fingerprint;
    record.reason = waiver.reason;
    record.approved_by = waiver.approved_by;
    record.expires = waiver.expires;
    record.expired = now >= waiver.expires_end;
    if (!rule_ids.count(waiver.rule)) {
      spdlog::warn("{}:{}: waiver names rule '{}', which the policy does not have",
                   policy.waivers_path, waiver.line, clip(waiver.rule));
    }
    records.push_back(std::move(record));
  }
  for (const auto& entry : ignores) {
    WaiverRecord record;
    record.rule = entry.rule;
    if (entry.path) record.paths = {*entry.path};
    record.fingerprint = entry.fingerprint;
    record.reason = "listed in " + policy.ignore_path + ":" + std::to_string(entry.line);
    records.push_back(std::move(record));
  }

  // Findings an expired waiver would still match: they come back and block as usual.
  std::vector<size_t> lapsed(waivers.size(), 0);
  for (auto& finding : evaluation.findings) {
    if (finding.waived_by) continue;
    for (size_t i = 0; i < waivers.size() && !finding.waived_by; ++i) {
      if (!matches(waivers[i], finding)) continue;
      if (records[i].expired) {
        ++lapsed[i];
        continue;
      }
      finding.waived_by = policy.waivers_path + ":" + std::to_string(waivers[i].line);
      ++records[i].matched;
    }
    for (size_t i = 0; i < ignores.size() && !finding.waived_by; ++i) {
      if (!matches(ignores[i], finding)) continue;
      finding.waived_by = policy.ignore_path + ":" + std::to_string(ignores[i].line);
      ++records[waivers.size() + i].matched;
    }
  }

  // An expired waiver is a warning of its own, raised after matching so nothing can waive it.
  // It does not block: the findings it covered are unwaived again and block by themselves, and
  // a change it never covered must not be held up by a date its author cannot change.
  size_t expired = 0;
  for (size_t i = 0; i < waivers.size(); ++i) {
    if (!records[i].expired) continue;
    const Waiver& waiver = waivers[i];
    Finding f;
    f.rule_id = kExpiredWaiverRule;
    f.rule_type = "waiver";
    f.severity = Severity::warning;
    f.path = policy.waivers_path;
    f.start_line = f.end_line = waiver.line;
    f.message = "waiver for rule '" + waiver.rule + "' (" + waiver.reason + ") expired on " +
                waiver.expires;
    if (lapsed[i] > 0) {
      f.message += " and no longer waives " + std::to_string(lapsed[i]) + " finding" +
                   (lapsed[i] == 1 ? "" : "s") + " of this change";
    }
    f.message += "; renew it with a new `expires` and approval, or remove it";
    f.fingerprint_basis = "expired:" + waiver.rule + ":" + waiver.expires + ":" +
                          waiver.fingerprint + ":" + std::to_string(waiver.line);
    f.fingerprint = fingerprint_of(f);
    evaluation.findings.push_back(std::move(f));
    ++expired;
  }
  if (expired > 0) {
    RuleOutcome outcome;
    outcome.id = kExpiredWaiverRule;
    outcome.type = "waiver";
    outcome.family = "process";
    outcome.description = "every waiver in " + policy.waivers_path + " is within its expiry date";
    outcome.severity = Severity::warning;
    outcome.status = RuleStatus::fail;
    evaluation.outcomes.push_back(std::move(outcome));
  }
  sort_findings(evaluation.findings);
  recount_outcomes(evaluation);
  return records;
}

}  // namespace gate
