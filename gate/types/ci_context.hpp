#pragma once

#include <functional>
#include <optional>
#include <string>

namespace gate {

// Where a run happens, read once from the environment at the edge of the program.
struct CiContext {
  std::string provider = "local";  // github, gitlab or local
  std::string event;               // pull_request, push, merge_request_event, ...
  std::string repository;          // owner/name or group/project
  std::string server_url;
  std::string run_url;
  std::string actor;
  std::string change_id;  // pull request number or merge request iid
  std::string target_branch;
  std::string default_branch;       // the repository's default branch, when the CI names it
  std::optional<std::string> base;  // revision suggested by the CI, if any
  std::optional<std::string> head;
  std::string
      base_source;  // says where `base` came from, e.g. "GITHUB_EVENT_PATH pull_request.base.sha"
  std::string head_source;
};

// A push to the repository's default branch: the commit that lands there (a merge, squash or
// rebase of a pull request, or a direct push).
inline bool lands_on_default_branch(const CiContext& context) {
  return context.event == "push" && !context.default_branch.empty() &&
         context.target_branch == context.default_branch;
}

// Reads a variable; returns nullopt when unset. Injected so tests can simulate any CI.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;

}  // namespace gate
