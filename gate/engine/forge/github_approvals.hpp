#pragma once

#include "gate/engine/forge/forge_approvals.hpp"

namespace gate::forge {

Evidence read_github_approvals(const ForgeAccess& access, const CiContext& context,
                               const ChangeSet& change, const std::vector<std::string>& teams,
                               HttpClient& http);

}  // namespace gate::forge
