#include "gate/engine/forge/forge_approvals.hpp"

#include "gate/engine/forge/github_approvals.hpp"
#include "gate/engine/forge/gitlab_approvals.hpp"
#include "gate/types/errors.hpp"

namespace gate::forge {

namespace {

std::string value_of(const Environment& env, const char* name) {
  std::optional<std::string> value = env(name);
  return value ? *value : std::string();
}

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// A token goes into a header line: bytes that would end or split the line are refused.
void check_token(const std::string& token, const std::string& variable) {
  for (unsigned char c : token) {
    if (c < 0x20 || c == 0x7f) {
      throw InputError(variable +
                       " holds control characters or a line break: set it to the "
                       "token alone");
    }
  }
}

}  // namespace

ForgeAccess forge_access(const Environment& env, const CiContext& context) {
  ForgeAccess access;
  access.provider = context.provider == "local" ? std::string() : context.provider;
  if (access.provider == "github") {
    access.api_url = without_trailing_slash(value_of(env, "GITHUB_API_URL"));
    if (access.api_url.empty()) access.api_url = "https://api.github.com";
    access.token = value_of(env, "GITHUB_TOKEN");
    access.token_variable = "GITHUB_TOKEN";
  } else if (access.provider == "gitlab") {
    access.api_url = without_trailing_slash(value_of(env, "CI_API_V4_URL"));
    access.project_id = value_of(env, "CI_PROJECT_ID");
    for (const char* variable : {"GATE_GITLAB_TOKEN", "CI_JOB_TOKEN"}) {
      std::string token = value_of(env, variable);
      if (!token.empty()) {
        access.token = token;
        access.token_variable = variable;
        break;
      }
    }
    access.approvals_reset_on_push = value_of(env, "GATE_APPROVALS_RESET_ON_PUSH") != "false";
  }
  if (!access.token.empty()) check_token(access.token, access.token_variable);
  return access;
}

Evidence read_forge_approvals(const ForgeAccess& access, const CiContext& context,
                              const ChangeSet& change, const std::vector<std::string>& teams,
                              HttpClient& http) {
  if (access.provider == "github") {
    return read_github_approvals(access, context, change, teams, http);
  }
  if (access.provider == "gitlab") return read_gitlab_approvals(access, context, change, http);
  return {};
}

}  // namespace gate::forge
