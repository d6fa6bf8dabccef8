#pragma once

#include "rules/registry.hpp"

namespace gate::rules {

// co-change: when files matching `if` change, some file matching `then` must change too
// ("a model change must update its metrics file"). With `per-directory: true` the companion must
// sit in the same directory as (or below the directory of) each triggering file.
RuleType co_change_type();

}  // namespace gate::rules
