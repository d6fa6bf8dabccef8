#include "rules/code/secrets/scanner.hpp"
#include "gate/types/text.hpp"

#include <re2/re2.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "gate/types/errors.hpp"
#include "rules/code/secrets/entropy.hpp"
#include "rules/code/secrets/placeholder.hpp"
#include "rules/code/secrets/regex_util.hpp"

namespace gate::secrets {

namespace {

constexpr unsigned kKeywordBase = 1u << 24;
// RE2 confirmations per rule and window: each is a reported secret or a filtered one, so a
// line with more is hostile or generated; the cap keeps the work linear.
constexpr size_t kMaxMatchesPerWindow = 256;

// Why Vectorscan's byte-oriented prefilter could miss what RE2 matches, or "" when it cannot.
std::string prefilter_unsafe(const std::string& regex) {
  for (unsigned char c : regex) {
    if (c >= 0x80) return "the pattern contains non-ASCII characters";
  }
  for (const char* construct : {"\\p", "\\P", "\\x{", "\\A", "\\z", "\\Z", "(?U"}) {
    if (regex.find(construct) != std::string::npos) {
      return std::string("the pattern uses ") + construct;
    }
  }
  return "";
}

re2::StringPiece piece(std::string_view view) { return re2::StringPiece(view.data(), view.size()); }

std::string_view trim_blanks(std::string_view text) {
  constexpr std::string_view kBlanks = " \t\r";
  const size_t first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kBlanks) - first + 1);
}

// Lines [first, last] of the fragment with each run of `spans` (sorted by start: the secrets
// every rule found) replaced by one `<secret>`, so not even a secret's line count is kept, and
// each line trimmed.
std::string redacted_lines(const Fragment& fragment, size_t first, size_t last,
                           const std::vector<std::pair<size_t, size_t>>& spans) {
  const size_t begin = fragment.line_starts[first];
  const size_t end = fragment.line_end(last);
  std::string joined;
  size_t at = begin;
  for (const auto& [start, stop] : spans) {
    if (stop <= at) continue;
    if (start >= end) break;
    if (start > at) {
      joined.append(fragment.text, at, start - at);
      at = start;
    }
    if (joined.size() < 8 || joined.compare(joined.size() - 8, 8, "<secret>") != 0) {
      joined += "<secret>";
    }
    at = std::min(stop, end);
  }
  if (at < end) joined.append(fragment.text, at, end - at);
  std::string out;
  size_t line_start = 0;
  while (true) {
    const size_t newline = joined.find('\n', line_start);
    out += trim_blanks(std::string_view(joined).substr(
        line_start, newline == std::string::npos ? std::string::npos : newline - line_start));
    if (newline == std::string::npos) break;
    out += '\n';
    line_start = newline + 1;
  }
  return out;
}

}  // namespace

struct Scanner::RawMatch {
  size_t rule;
  size_t start;  // of the secret, in the fragment
  size_t end;
  size_t match_line;  // line index of the whole match's first byte
  size_t match_last_line;
};

bool allowlist_matches(const Allowlist& list, std::string_view path, std::string_view secret,
                       std::string_view match, std::string_view line) {
  std::string_view target = list.target == AllowTarget::secret  ? secret
                            : list.target == AllowTarget::match ? match
                                                                : line;
  int present = 0;
  int hit = 0;
  if (!list.commits.empty()) ++present;  // never matches: see Allowlist::commits
  if (!list.paths.empty()) {
    ++present;
    for (const auto& regex : list.paths) {
      if (re2::RE2::PartialMatch(piece(path), *regex)) {
        ++hit;
        break;
      }
    }
  }
  if (!list.regexes.empty()) {
    ++present;
    for (const auto& regex : list.regexes) {
      if (re2::RE2::PartialMatch(piece(target), *regex)) {
        ++hit;
        break;
      }
    }
  }
  if (!list.stopwords.empty()) {
    ++present;
    std::string lowered = ascii_lower(secret);
    for (const auto& word : list.stopwords) {
      if (lowered.find(word) != std::string::npos) {
        ++hit;
        break;
      }
    }
  }
  if (present == 0) return false;
  return list.require_all ? hit == present : hit > 0;
}

Scanner::Scanner(std::vector<SecretRuleSpec> specs, std::vector<Allowlist> global_allowlists,
                 Overlap overlap, const std::optional<std::filesystem::path>& cache_dir)
    : global_allowlists_(std::move(global_allowlists)), overlap_(overlap) {
  std::map<std::string, size_t> keyword_index;
  std::vector<Prefilter::Pattern> patterns;
  for (auto& spec : specs) {
    CompiledRule rule;
    rule.spec = std::move(spec);
    const SecretRuleSpec& s = rule.spec;
    auto fail = [&](const std::string& what, const std::string& hint) {
      throw InputError(s.origin_file, s.origin_line, 0, "rule '" + s.id + "': " + what, hint);
    };
    if (s.regex.empty() && s.path_regex.empty()) {
      fail("has neither 'regex' nor 'path'", "give the rule a regex, a path regex, or both");
    }
    std::string error;
    if (!s.regex.empty()) {
      rule.line_regex = compile_regex(s.regex, error);
      if (!rule.line_regex) fail("regex does not compile: " + error, regex_hint());
      int groups = rule.line_regex->NumberOfCapturingGroups();
      if (s.secret_group > groups) {
        fail("secretGroup is " + std::to_string(s.secret_group) + " but the regex has " +
                 std::to_string(groups) + " capture group(s)",
             "count the ( ... ) groups of the regex, or drop secretGroup");
      }
      const bool windowed = s.multiline || s.next_line;
      if (windowed) rule.window_regex = compile_regex("(?m)" + s.regex, error);
      if (windowed && !rule.window_regex) fail("regex does not compile: " + error, regex_hint());
    }
    if (!s.path_regex.empty()) {
      rule.path_regex = compile_regex(s.path_regex, error);
      if (!rule.path_regex) fail("path regex does not compile: " + error, regex_hint());
    }
    for (const auto& keyword : s.keywords) {
      auto [it, inserted] = keyword_index.emplace(keyword, keywords_.size());
      if (inserted) keywords_.push_back(keyword);
      rule.keywords.push_back(it->second);
    }
    generic_.push_back(ascii_lower(rule.spec.id).find("generic") != std::string::npos);
    rules_.push_back(std::move(rule));
  }

  reported_to_.resize(rules_.size());
  std::map<std::string, size_t> shared_prefilter;
  for (size_t i = 0; i < rules_.size(); ++i) {
    const SecretRuleSpec& s = rules_[i].spec;
    if (s.regex.empty()) continue;
    reported_to_[i].push_back(i);
    std::string unsafe = prefilter_unsafe(s.regex);
    if (!unsafe.empty()) {
      rules_[i].fallback_reason = unsafe;
      continue;
    }
    if (!s.prefilter.empty()) {
      auto shared = shared_prefilter.find(s.prefilter);
      if (shared != shared_prefilter.end()) {
        reported_to_[shared->second].push_back(i);
        rules_[i].prefiltered = true;
        continue;
      }
      shared_prefilter.emplace(s.prefilter, i);
      patterns.push_back({s.prefilter, HS_FLAG_MULTILINE, static_cast<unsigned>(i)});
    } else {
      patterns.push_back(
          {s.regex, HS_FLAG_PREFILTER | HS_FLAG_MULTILINE, static_cast<unsigned>(i)});
    }
    rules_[i].prefiltered = true;
  }
  for (size_t k = 0; k < keywords_.size(); ++k) {
    patterns.push_back({literal_expression(keywords_[k]), HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH,
                        kKeywordBase + static_cast<unsigned>(k)});
  }
  std::vector<Prefilter::Rejection> rejected;
  try {
    prefilter_ = Prefilter(patterns, rejected, cache_dir);
  } catch (const std::runtime_error& e) {
    throw RuleError(std::string("secrets: ") + e.what());
  }
  for (const auto& rejection : rejected) {
    if (rejection.id >= kKeywordBase) {
      throw RuleError("secrets: Vectorscan rejected keyword '" +
                      keywords_[rejection.id - kKeywordBase] + "': " + rejection.reason);
    }
    for (size_t rule : reported_to_[rejection.id]) {
      rules_[rule].prefiltered = false;
      rules_[rule].fallback_reason = "Vectorscan: " + rejection.reason;
    }
  }
  for (size_t i = 0; i < rules_.size(); ++i) {
    const CompiledRule& rule = rules_[i];
    if (rule.spec.regex.empty() || rule.prefiltered) continue;
    unfiltered_.push_back(i);
    spdlog::warn(
        "secrets rule '{}' ({}:{}): no multi-pattern prefilter ({}); RE2 checks {} instead",
        rule.spec.id, rule.spec.origin_file, rule.spec.origin_line, rule.fallback_reason,
        rule.keywords.empty() ? "every line" : "every line of files with its keywords");
  }
}

bool Scanner::applies(size_t rule, std::string_view path, const ScanOptions& options) const {
  if (options.disabled && rule < options.disabled->size() && (*options.disabled)[rule]) {
    return false;
  }
  const CompiledRule& r = rules_[rule];
  return !r.path_regex || re2::RE2::PartialMatch(piece(path), *r.path_regex);
}

bool Scanner::allowed(const CompiledRule& rule, std::string_view path, std::string_view secret,
                      std::string_view match, std::string_view line) const {
  for (const auto& list : rule.spec.allowlists) {
    if (allowlist_matches(list, path, secret, match, line)) return true;
  }
  for (const auto& list : global_allowlists_) {
    if (!list.target_rules.empty() && std::find(list.target_rules.begin(), list.target_rules.end(),
                                                rule.spec.id) == list.target_rules.end()) {
      continue;
    }
    if (allowlist_matches(list, path, secret, match, line)) return true;
  }
  return false;
}

// Confirms rule `index` on fragment.text[begin, end) (one line, or the whole fragment for
// multi-line rules) and records every secret that passes the filters.
void Scanner::verify_window(size_t index, std::string_view path, const Fragment& fragment,
                            size_t begin, size_t end, const ScanOptions& options,
                            std::vector<RawMatch>& out) const {
  const CompiledRule& rule = rules_[index];
  const SecretRuleSpec& spec = rule.spec;
  const re2::RE2& regex = spec.multiline || spec.next_line ? *rule.window_regex : *rule.line_regex;
  const std::string_view text = std::string_view(fragment.text).substr(begin, end - begin);
  const int group_count = regex.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> groups(static_cast<size_t>(group_count) + 1);
  size_t at = 0;
  for (size_t found = 0; at <= text.size() && found < kMaxMatchesPerWindow; ++found) {
    if (!regex.Match(piece(text), at, text.size(), re2::RE2::UNANCHORED, groups.data(),
                     group_count + 1)) {
      break;
    }
    const size_t match_start = static_cast<size_t>(groups[0].data() - text.data());
    const size_t match_end = match_start + groups[0].size();
    at = match_end > match_start ? match_end : match_end + 1;

    re2::StringPiece secret;
    if (spec.secret_group > 0) {
      secret = groups[spec.secret_group];
    } else {
      for (int g = 1; g <= group_count && secret.empty(); ++g) secret = groups[g];
      if (secret.empty()) secret = groups[0];
    }
    if (secret.empty() || secret.data() == nullptr) continue;
    std::string_view secret_view(secret.data(), secret.size());
    if (spec.entropy > 0 && shannon_entropy(secret_view) < spec.entropy) continue;
    if (spec.skip_placeholders && looks_like_placeholder(secret_view)) continue;
    if (spec.require_digit && std::none_of(secret_view.begin(), secret_view.end(),
                                           [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    const size_t abs_start = begin + match_start;
    const size_t abs_end = begin + match_end;
    const size_t first_line = fragment.line_index_of(abs_start);
    const size_t last_line = fragment.line_index_of(abs_end > abs_start ? abs_end - 1 : abs_start);
    const size_t line_begin = fragment.line_starts[first_line];
    std::string_view lines = std::string_view(fragment.text)
                                 .substr(line_begin, fragment.line_end(last_line) - line_begin);
    if (allowed(rule, path, secret_view, std::string_view(groups[0].data(), groups[0].size()),
                lines)) {
      continue;
    }
    if (options.allow_inline && (lines.find("gate:allow") != std::string_view::npos ||
                                 lines.find("gitleaks:allow") != std::string_view::npos)) {
      continue;
    }
    const size_t secret_start = begin + static_cast<size_t>(secret.data() - text.data());
    out.push_back({index, secret_start, secret_start + secret.size(), first_line, last_line});
  }
}

std::vector<Scanner::RawMatch> Scanner::resolve_overlaps(const Fragment& fragment,
                                                         std::vector<RawMatch> raw) const {
  std::sort(raw.begin(), raw.end(), [](const RawMatch& a, const RawMatch& b) {
    return a.rule != b.rule ? a.rule < b.rule : a.start < b.start;
  });
  raw.erase(std::unique(raw.begin(), raw.end(),
                        [](const RawMatch& a, const RawMatch& b) {
                          return a.rule == b.rule && a.start == b.start && a.end == b.end;
                        }),
            raw.end());
  std::vector<RawMatch> kept;
  if (overlap_ == Overlap::gitleaks) {
    auto secret_of = [&](const RawMatch& m) {
      return std::string_view(fragment.text).substr(m.start, m.end - m.start);
    };
    for (const auto& match : raw) {
      bool superseded = false;
      if (generic_[match.rule]) {
        superseded = std::any_of(raw.begin(), raw.end(), [&](const RawMatch& other) {
          return !generic_[other.rule] && other.match_line == match.match_line &&
                 rules_[other.rule].spec.id != rules_[match.rule].spec.id &&
                 secret_of(other).find(secret_of(match)) != std::string_view::npos;
        });
      }
      if (!superseded) kept.push_back(match);
    }
  } else {
    // One finding per secret: overlapping matches go to the rule listed first.
    std::map<size_t, RawMatch> by_start;
    for (const auto& match : raw) {
      auto next = by_start.lower_bound(match.start);
      if (next != by_start.end() && next->second.start < match.end) continue;
      if (next != by_start.begin() && std::prev(next)->second.end > match.start) continue;
      by_start.emplace(match.start, match);
    }
    for (auto& [start, match] : by_start) kept.push_back(match);
  }
  std::sort(kept.begin(), kept.end(), [](const RawMatch& a, const RawMatch& b) {
    return a.start != b.start ? a.start < b.start : a.rule < b.rule;
  });
  return kept;
}

Scanner::Session::Session(const Scanner& scanner)
    : scanner_(scanner), scratch_(scanner.prefilter_) {}

void Scanner::Session::scan(std::string_view path, const Fragment& fragment,
                            const ScanOptions& options, std::vector<SecretMatch>& out) {
  const auto& rules = scanner_.rules_;
  const size_t count = rules.size();
  std::vector<char> active(count);
  for (size_t i = 0; i < count; ++i) {
    active[i] = !rules[i].spec.regex.empty() && scanner_.applies(i, path, options);
  }
  keyword_hit_.assign(scanner_.keywords_.size(), 0);
  covered_.assign(count * 2, 0);  // per rule: [begin, end) of the line of its last candidate
  std::vector<std::pair<size_t, size_t>> candidates;  // rule, offset of a match's last byte
  const char* text = fragment.text.data();
  const size_t size = fragment.text.size();

  // The value length found at the current hit, computed once for the rules sharing it.
  size_t (*measured_by)(std::string_view, size_t) = nullptr;
  size_t measured = 0;
  auto consider = [&](unsigned id, size_t to) {
    if (!active[id]) return;
    size_t pos = to == 0 ? 0 : std::min(to - 1, size == 0 ? 0 : size - 1);
    if (pos >= covered_[2 * id] && pos < covered_[2 * id + 1]) return;
    if (const auto measure = rules[id].spec.value_length_at) {
      if (measure != measured_by) {
        measured_by = measure;
        measured = measure(fragment.text, to);
      }
      if (measured < rules[id].spec.min_value_length) return;
    }
    if (rules[id].spec.multiline) {
      covered_[2 * id] = 0;
      covered_[2 * id + 1] = static_cast<size_t>(-1);
    } else {
      const void* newline = size > pos ? std::memchr(text + pos, '\n', size - pos) : nullptr;
      size_t line_end =
          newline ? static_cast<size_t>(static_cast<const char*>(newline) - text) + 1 : size + 1;
      size_t line_begin = pos;
      while (line_begin > 0 && text[line_begin - 1] != '\n') --line_begin;
      covered_[2 * id] = line_begin;
      covered_[2 * id + 1] = line_end;
    }
    candidates.emplace_back(id, pos);
  };
  auto on_match = [&](unsigned id, size_t to) {
    if (id >= kKeywordBase) {
      keyword_hit_[id - kKeywordBase] = 1;
      return;
    }
    measured_by = nullptr;
    for (size_t rule : scanner_.reported_to_[id]) consider(static_cast<unsigned>(rule), to);
  };
  scanner_.prefilter_.scan(scratch_, fragment.text, on_match);

  auto keywords_present = [&](size_t rule) {
    const auto& keywords = rules[rule].keywords;
    if (keywords.empty()) return true;
    return std::any_of(keywords.begin(), keywords.end(),
                       [&](size_t k) { return keyword_hit_[k] != 0; });
  };

  std::vector<RawMatch> raw;
  std::vector<char> whole_done(count, 0);
  auto verify = [&](size_t rule, size_t pos, bool every_line) {
    if (rules[rule].spec.multiline) {
      if (whole_done[rule]) return;
      whole_done[rule] = 1;
      scanner_.verify_window(rule, path, fragment, 0, size, options, raw);
    } else if (every_line) {
      for (size_t li = 0; li < fragment.line_count(); ++li) {
        scanner_.verify_window(rule, path, fragment, fragment.line_starts[li],
                               fragment.line_end(li), options, raw);
      }
    } else {
      size_t li = fragment.line_index_of(pos);
      const size_t last =
          rules[rule].spec.next_line ? std::min(li + 1, fragment.line_count() - 1) : li;
      scanner_.verify_window(rule, path, fragment, fragment.line_starts[li],
                             fragment.line_end(last), options, raw);
    }
  };
  for (const auto& [rule, pos] : candidates) {
    if (keywords_present(rule)) verify(rule, pos, false);
  }
  for (size_t rule : scanner_.unfiltered_) {
    if (active[rule] && keywords_present(rule)) verify(rule, 0, true);
  }

  std::vector<std::pair<size_t, size_t>> spans;
  spans.reserve(raw.size());
  for (const auto& match : raw) spans.emplace_back(match.start, match.end);
  std::sort(spans.begin(), spans.end());
  std::vector<RawMatch> kept = scanner_.resolve_overlaps(fragment, std::move(raw));
  for (const auto& match : kept) {
    const size_t li = fragment.line_index_of(match.start);
    const size_t last_li = fragment.line_index_of(match.end - 1);
    SecretMatch found;
    found.rule = match.rule;
    found.line = fragment.line_numbers[li];
    found.end_line = fragment.line_numbers[last_li];
    found.column = static_cast<uint32_t>(match.start - fragment.line_starts[li] + 1 +
                                         fragment.column_bases[li]);
    found.secret = fragment.text.substr(match.start, match.end - match.start);
    found.redacted_context = redacted_lines(fragment, std::min(li, match.match_line),
                                            std::max(last_li, match.match_last_line), spans);
    out.push_back(std::move(found));
  }
}

void Scanner::Session::scan_path(std::string_view path, const ScanOptions& options,
                                 std::vector<SecretMatch>& out) const {
  for (size_t i = 0; i < scanner_.rules_.size(); ++i) {
    const CompiledRule& rule = scanner_.rules_[i];
    if (!rule.spec.regex.empty() || !scanner_.applies(i, path, options)) continue;
    if (scanner_.allowed(rule, path, "", "", "")) continue;
    SecretMatch match;
    match.rule = i;
    out.push_back(std::move(match));
  }
}

}  // namespace gate::secrets
