#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gate/engine/context.hpp"
#include "gate/types/changeset.hpp"
#include "gate/types/evidence.hpp"

namespace gate {

// Reads the approvals file (`--approvals FILE`) and the author of the change. Throws InputError
// (file:line: what is wrong) for a malformed file.
Evidence load_evidence(const std::optional<std::string>& approvals_file, const CiContext& context,
                       const ChangeSet& change);

// Parses the approvals JSON (docs/approvals.md); `display_path` names the file in errors.
Evidence parse_approvals(std::string_view text, const std::string& display_path);

}  // namespace gate
