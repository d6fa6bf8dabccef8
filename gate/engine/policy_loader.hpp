#pragma once

#include <string>

#include "gate/types/policy.hpp"

namespace gate {

// Parses and validates a policy (format v1, docs/policy.md). `display_path` names the file in
// errors. Throws InputError `file:line:col: what is wrong` with a hint at what would be right:
// YAML syntax, unknown keys, wrong types, unknown rule types, duplicate ids, bad globs, unknown
// asset names, and every rule type's own parameter checks.
Policy parse_policy(const std::string& yaml_text, const std::string& display_path);

// The documented built-in policy used when the base revision has no .gate/policy.yaml.
Policy default_policy();
const std::string& default_policy_text();

// Where Gate looks for the policy in the base revision's tree.
inline constexpr const char* kPolicyPath = ".gate/policy.yaml";

}  // namespace gate
