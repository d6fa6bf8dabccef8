#pragma once

#include <optional>
#include <string>

#include "gate/engine/context.hpp"
#include "gate/types/changeset.hpp"
#include "gate/types/evidence.hpp"

namespace gate {

// Reads the approvals file (`--approvals FILE`) and the author of the change. Throws InputError
// (file:line: what is wrong) for a malformed file.
Evidence load_evidence(const std::optional<std::string>& approvals_file, const CiContext& context,
                       const ChangeSet& change);

}  // namespace gate
