#pragma once

#include "rules/registry.hpp"

namespace gate::rules {

// policy-change: a change to the policy's own files (anything under .gate/, the waivers file,
// the ignore list, CODEOWNERS) needs approval from the policy's `owners`.
RuleType policy_change_type();

// Whether `path` is protected by policy-change for `policy` (without the rule's `also` globs).
bool is_policy_path(const Policy& policy, const std::string& path);

}  // namespace gate::rules
