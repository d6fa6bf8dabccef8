#pragma once

#include "rules/registry.hpp"

namespace gate::rules {

// forbidden-paths: no file in scope may be added, modified, renamed or copied to a path matching
// one of `paths` (deletions are always allowed: removing a key file is the fix).
RuleType forbidden_paths_type();

}  // namespace gate::rules
