#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/code/secrets/fragment.hpp"
#include "rules/code/secrets/prefilter.hpp"
#include "rules/code/secrets/secret_rule_spec.hpp"

namespace gate::secrets {

// A secret the scanner confirmed. `secret` stays inside the process: callers redact it.
struct SecretMatch {
  size_t rule = 0;    // index into Scanner::rules()
  uint32_t line = 0;  // 1-based line of the secret's first byte; 0 for a path-only rule
  uint32_t end_line = 0;
  uint32_t column = 0;  // 1-based byte column
  std::string secret;
  // The line(s) of the match with every secret found on them replaced by one `<secret>` and
  // each line trimmed: what the fingerprint is built from (fingerprint.hpp).
  std::string redacted_context;
};

struct ScanOptions {
  // Honour `gate:allow` and gitleaks' `gitleaks:allow` on the line(s) of a match.
  bool allow_inline = false;
  const std::vector<bool>* disabled = nullptr;  // by rule index
};

// Which of several rules matching overlapping text report it.
enum class Overlap {
  // Gate's catalogue: one finding per secret, the rule listed first wins (specific formats are
  // listed before the generic assignments).
  first_listed,
  // gitleaks: every rule reports its own matches, except that a rule whose id contains
  // "generic" yields to a non-generic rule whose secret, on the same line, contains its secret.
  gitleaks,
};

// The rule set compiled for scanning: one Vectorscan pass finds candidate lines for every rule
// (and which keywords occur); RE2 then confirms each candidate, extracts the secret group and
// the filters (entropy, allowlists, inline allow) decide. Immutable and thread-safe; each thread
// scans through its own Session.
class Scanner {
 public:
  struct CompiledRule {
    SecretRuleSpec spec;
    std::shared_ptr<const re2::RE2> line_regex;    // matched line by line
    std::shared_ptr<const re2::RE2> window_regex;  // (?m) form for multi-line rules
    std::shared_ptr<const re2::RE2> path_regex;
    std::vector<size_t> keywords;  // indices into keywords_
    bool prefiltered = false;      // Vectorscan finds its candidates
    std::string fallback_reason;   // why not, when it is not
  };

  // Throws InputError naming the rule's origin (file:line) when a regex does not compile with
  // RE2. Patterns Vectorscan rejects fall back to keyword-gated or line-by-line RE2 scanning.
  // `cache_dir`, when set, holds compiled Vectorscan databases keyed by a hash of their
  // patterns (see prefilter_cache.hpp); a missing, corrupt or foreign file is recompiled.
  Scanner(std::vector<SecretRuleSpec> rules, std::vector<Allowlist> global_allowlists,
          Overlap overlap = Overlap::first_listed,
          const std::optional<std::filesystem::path>& cache_dir = std::nullopt);

  const std::vector<CompiledRule>& rules() const { return rules_; }
  bool prefilter_from_cache() const { return prefilter_.from_cache(); }

  class Session {
   public:
    explicit Session(const Scanner& scanner);
    // Appends the confirmed secrets of `fragment` (text of the file at `path`), one per secret:
    // where rules match overlapping text the one listed first wins.
    void scan(std::string_view path, const Fragment& fragment, const ScanOptions& options,
              std::vector<SecretMatch>& out);
    // Path-only rules (gitleaks rules with `path` and no `regex`) that flag `path` itself.
    void scan_path(std::string_view path, const ScanOptions& options,
                   std::vector<SecretMatch>& out) const;

   private:
    const Scanner& scanner_;
    Prefilter::Scratch scratch_;
    std::vector<char> keyword_hit_;
    std::vector<size_t> covered_;
  };

 private:
  friend class Session;
  struct RawMatch;

  std::vector<CompiledRule> rules_;
  std::vector<Allowlist> global_allowlists_;
  Overlap overlap_ = Overlap::first_listed;
  std::vector<char> generic_;  // by rule: its id contains "generic" (gitleaks overlap)
  std::vector<std::string> keywords_;
  std::vector<size_t> unfiltered_;  // rules with a regex but no Vectorscan pattern
  // By Vectorscan pattern id: the rules whose candidates it reports (several built-in rules
  // may share one `prefilter` expression, scanned once).
  std::vector<std::vector<size_t>> reported_to_;
  Prefilter prefilter_;

  bool applies(size_t rule, std::string_view path, const ScanOptions& options) const;
  void verify_window(size_t rule, std::string_view path, const Fragment& fragment, size_t begin,
                     size_t end, const ScanOptions& options, std::vector<RawMatch>& out) const;
  std::vector<RawMatch> resolve_overlaps(const Fragment& fragment, std::vector<RawMatch> raw) const;
  bool allowed(const CompiledRule& rule, std::string_view path, std::string_view secret,
               std::string_view match, std::string_view line) const;
};

// Whether an allowlist exempts a match (exposed for tests of allowlist semantics).
bool allowlist_matches(const Allowlist& list, std::string_view path, std::string_view secret,
                       std::string_view match, std::string_view line);

}  // namespace gate::secrets
