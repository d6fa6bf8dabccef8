#pragma once

#include <string>
#include <vector>

#include "rules/code/secrets/secret_rule_spec.hpp"

namespace gate::secrets {

// The built-in rule set, in priority order: where two formats match overlapping text, the
// earlier one is reported (specific formats first, generic assignments last).
const std::vector<SecretRuleSpec>& builtin_catalogue();

// The parts, one a file, concatenated by builtin_catalogue().
std::vector<SecretRuleSpec> cloud_and_forge_formats();
std::vector<SecretRuleSpec> service_formats();
std::vector<SecretRuleSpec> prefixed_formats();
std::vector<SecretRuleSpec> vendor_named_formats();
std::vector<SecretRuleSpec> key_and_generic_formats();

// Shorthand for a built-in entry whose secret is capture group 1 (or the match without group).
SecretRuleSpec builtin_format(std::string id, std::string description, std::string regex,
                              double entropy = 0);

// An allowlist of built-in regexes, matched against `target` (the secret by default).
Allowlist builtin_allowlist(std::string description, const std::vector<std::string>& regexes,
                            AllowTarget target = AllowTarget::secret);

}  // namespace gate::secrets
