#pragma once

#include "rules/registry.hpp"

namespace gate::rules {

// model-metrics: a metrics file meets its thresholds and does not regress against the same file
// at the merge base by more than a tolerance.
RuleType model_metrics_type();

}  // namespace gate::rules
