#pragma once

#include <string>
#include <vector>

#include "gate/types/blob_source.hpp"
#include "gate/types/changeset.hpp"
#include "gate/types/policy.hpp"

namespace gate::rules {

// Whether any rule of the policy judges review approvals (RuleType::reads_approvals): only then
// does gather ask the forge for them.
bool policy_reads_approvals(const Policy& policy);

// The `@org/team` owners whose members the approval rules may need for this change: the teams
// the base revision's CODEOWNERS names for a changed path (old paths of moves included), and
// the teams among the policy's `owners`. Sorted, distinct, as written (with '@').
std::vector<std::string> teams_for_change(const Policy& policy, const ChangeSet& change,
                                          const BlobSource& blobs);

}  // namespace gate::rules
