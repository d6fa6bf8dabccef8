#pragma once

#include "rules/registry.hpp"

namespace gate::rules {

// codeowners-approval: every changed path needs approval from its code owners, as listed in the
// base revision's CODEOWNERS (GitHub and GitLab syntax, GitLab sections and approval counts).
RuleType codeowners_approval_type();

}  // namespace gate::rules
