#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/code/secrets/secret_rule_spec.hpp"

namespace gate::secrets {

// One gitleaks v8 configuration file, as written (before [extend] is resolved).
struct GitleaksConfig {
  std::vector<SecretRuleSpec> rules;       // [[rules]] in file order
  std::vector<Allowlist> allowlists;       // [allowlist] and [[allowlists]]
  bool use_default = false;                // [extend] useDefault: Gate's built-in catalogue
  std::optional<std::string> extend_path;  // [extend] path: another file of the base revision
  uint32_t extend_line = 0;
  std::vector<std::string> disabled_rules;  // [extend] disabledRules
};

// Parses gitleaks TOML. Throws InputError `file:line:col: what is wrong` for bad TOML, unknown
// keys, wrong types, allowlist regexes RE2 rejects and invalid values. Rule regexes are compiled
// later by the Scanner (which reports them at the rule's line).
GitleaksConfig parse_gitleaks_config(std::string_view text, const std::string& file);

// Reads a configuration file; nullopt when it does not exist.
using ConfigReader = std::function<std::optional<std::string>(const std::string& path)>;

// The effective rule set of `file` with [extend] resolved (at most two levels, as gitleaks):
// the file's own rules first, then the extended ones (built-in catalogue or another file) that
// it neither redefines (same id) nor disables.
struct ResolvedConfig {
  std::vector<SecretRuleSpec> rules;
  std::vector<Allowlist> allowlists;
};
ResolvedConfig load_gitleaks_config(const std::string& file, const ConfigReader& read);

}  // namespace gate::secrets
