#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace gate::secrets {

// Where an allowlist regex is matched (gitleaks `regexTarget`).
enum class AllowTarget { secret, match, line };

// An exception list, as gitleaks v8 defines it. With condition `any` (gitleaks "OR") the list
// applies when one of its non-empty criteria matches; with `all` ("AND") when all of them do.
struct Allowlist {
  std::string description;
  std::string origin;  // "file:line" for messages
  AllowTarget target = AllowTarget::secret;
  bool require_all = false;
  std::vector<std::shared_ptr<const re2::RE2>> regexes;  // partial match against `target`
  std::vector<std::shared_ptr<const re2::RE2>> paths;    // partial match against the file path
  std::vector<std::string> stopwords;                    // lowercase; contained in the secret
  // Accepted for compatibility; Gate cannot tell which commit added a line, so a commits
  // criterion never matches (the allowlist then only applies through its other criteria).
  std::vector<std::string> commits;
  std::vector<std::string> target_rules;  // global allowlists only: empty means every rule
};

// One detection rule: a built-in format or one imported from a gitleaks configuration. Plain
// data; the scanner compiles it.
struct SecretRuleSpec {
  std::string id;
  std::string description;
  std::string regex;           // RE2 / Go regexp syntax; empty for a path-only rule
  std::string path_regex;      // gitleaks `path`: the rule applies only to matching file paths
  int secret_group = 0;        // 0: the first non-empty capture group, else the whole match
  double entropy = 0;          // minimum Shannon entropy (bits per byte) of the secret; 0: none
  bool require_digit = false;  // generic assignments: a value without a digit is a word, not a key
  // Documentation placeholders (`ghp_xxxx...`, AWS's `...EXAMPLE` keys) are not secrets.
  bool skip_placeholders = true;
  std::vector<std::string> keywords;  // lowercase; the rule runs only where one occurs
  // Built-in rules only: a Vectorscan expression matching a superset of `regex` (ending where
  // a match's line can be told), scanned instead of `regex` in prefilter mode because it is much
  // cheaper (the generic assignments' bounded repeats cost Vectorscan more than the rest).
  std::string prefilter;
  // Built-in rules only: a cheap necessary condition for a match at a prefilter hit ending at
  // `end`, checked before RE2 runs at all: the length of the value that would follow (0 for
  // none), at least `min_value_length`. Rules sharing a prefilter share the computation.
  size_t (*value_length_at)(std::string_view text, size_t end) = nullptr;
  size_t min_value_length = 0;
  std::vector<Allowlist> allowlists;
  // The match may span lines (key blocks): verified on a window of preceding lines, not one line.
  bool multiline = false;
  // The match may run onto the line after the one where the prefilter hit (an XML element's
  // value on its own line): verified on those two lines, not on the whole text.
  bool next_line = false;
  std::string origin_file = "built-in";  // or the configuration file the rule comes from
  uint32_t origin_line = 0;              // line of the rule's [[rules]] table
};

}  // namespace gate::secrets
