#pragma once

#include "rules/registry.hpp"

namespace gate::rules {

// data-contract: a change to a dataset's schema (Table Schema, data package, JSON Schema of JSON
// Lines) is classified against the merge base as compatible or breaking under the dataset's
// compatibility mode; a breaking change needs a major version bump and its owners' approval.
RuleType data_contract_type();

}  // namespace gate::rules
