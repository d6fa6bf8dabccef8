#pragma once

#include "gate/engine/forge/forge_approvals.hpp"

namespace gate::forge {

Evidence read_gitlab_approvals(const ForgeAccess& access, const CiContext& context,
                               const ChangeSet& change, HttpClient& http);

}  // namespace gate::forge
