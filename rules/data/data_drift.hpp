#pragma once

#include "rules/registry.hpp"

namespace gate::rules {

// data-drift: a changed CSV or TSV dataset is profiled at the merge base and at head, one
// streaming pass each in bounded memory (row count, null rate and distinct count per column,
// numeric deciles, category shares); the change blocks when a declared threshold is crossed, and
// both profiles go into the signed decision.
RuleType data_drift_type();

}  // namespace gate::rules
