#pragma once

#include "rules/registry.hpp"

namespace gate::rules {

// model-serialization: model files in the change are judged from their bytes: every pickle they
// hold (raw, PyTorch zip or legacy tar, NumPy object arrays) is walked without executing it and
// its imports checked against allow and deny lists; safetensors and NumPy headers are validated
// exactly; `allowed-formats` restricts which formats may appear at all.
RuleType model_serialization_type();

}  // namespace gate::rules
