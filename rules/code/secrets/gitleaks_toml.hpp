#pragma once

// Position-aware access to toml++ nodes for the gitleaks importer: every error names
// file:line:col of the offending node.
#include <toml++/toml.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "rules/code/secrets/secret_rule_spec.hpp"

namespace gate::secrets::toml_access {

[[noreturn]] void fail(const std::string& file, const toml::node& at, const std::string& message,
                       const std::string& hint = {});
// Unknown keys are an error, so a misspelt `secretgroup` never passes silently.
void check_keys(const std::string& file, const toml::table& table, const std::string& context,
                std::initializer_list<const char*> known);
std::string string_value(const std::string& file, const toml::node& node, const std::string& what);
std::vector<std::string> string_list(const std::string& file, const toml::node& node,
                                     const std::string& what);
bool bool_value(const std::string& file, const toml::node& node, const std::string& what);

// An [allowlist] table (or one element of [[allowlists]]); `global` admits `targetRules`.
Allowlist parse_allowlist(const std::string& file, const toml::node& node,
                          const std::string& context, bool global);
// Either form a table may carry: `allowlist = {...}` (v8 before 8.21) or `[[...allowlists]]`.
std::vector<Allowlist> parse_allowlists(const std::string& file, const toml::table& table,
                                        const std::string& context, bool global);

}  // namespace gate::secrets::toml_access
