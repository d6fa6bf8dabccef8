#pragma once

#include "rules/registry.hpp"

namespace gate::rules {

// model-lineage: the datasets a changed model's card names are declared in the repository
// (data package or DVC output), and digests the card records match the declarations.
RuleType model_lineage_type();

}  // namespace gate::rules
