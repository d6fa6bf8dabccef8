#pragma once

#include <string>
#include <vector>

#include "gate/engine/forge/http_client.hpp"
#include "gate/types/changeset.hpp"
#include "gate/types/ci_context.hpp"
#include "gate/types/evidence.hpp"

namespace gate::forge {

// How to reach the forge's API from this run, read once from the environment at the edge.
struct ForgeAccess {
  std::string provider;        // "github", "gitlab"; empty: not on a forge (local run)
  std::string api_url;         // GITHUB_API_URL (default https://api.github.com) / CI_API_V4_URL
  std::string token;           // never logged, never in a message
  std::string token_variable;  // GITHUB_TOKEN, GATE_GITLAB_TOKEN or CI_JOB_TOKEN
  std::string project_id;      // GitLab: CI_PROJECT_ID
  // GitLab keeps no commit per approval. When the project removes approvals on new commits
  // (GATE_APPROVALS_RESET_ON_PUSH, default true), a standing approval is one of the head.
  bool approvals_reset_on_push = true;
};
ForgeAccess forge_access(const Environment& env, const CiContext& context);

// Reads the approvals of the change under review from the forge: GitHub pull request reviews
// (all pages), the author and head of the pull request, and the members of `teams` the token
// may read; GitLab merge request approvals and author. When the run names no pull request (a
// push, a branch pipeline) the evidence says so and holds none. Throws InputError with one line
// naming what to fix for a missing token, a refused scope, an unknown change, a rate limit, a
// malformed answer or an unreachable API.
Evidence read_forge_approvals(const ForgeAccess& access, const CiContext& context,
                              const ChangeSet& change, const std::vector<std::string>& teams,
                              HttpClient& http);

}  // namespace gate::forge
