// Merge request approvals from the GitLab REST API (docs/approvals.md).
#include "gate/engine/forge/gitlab_approvals.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "gate/engine/forge/forge_api.hpp"
#include "gate/engine/forge/forge_responses.hpp"
#include "gate/types/errors.hpp"

namespace gate::forge {

namespace {
bool is_digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

namespace {

// `missing` names what a 404 did not find: the merge request, or the commit of a pipeline of the
// default branch.
ApiAdvice advice_for(const ForgeAccess& access, const std::string& missing) {
  bool job_token = access.token_variable == "CI_JOB_TOKEN";
  std::string token_fix =
      job_token ? "the job token cannot read merge request approvals here: set "
                  "GATE_GITLAB_TOKEN (a project access token with read_api) in Settings > CI/CD "
                  "> Variables"
                : "GitLab does not accept GATE_GITLAB_TOKEN for this project: give it the "
                  "read_api scope and at least the Reporter role, and check it has not expired";
  return {"GitLab", token_fix, token_fix,
          "no " + missing + " in project " + access.project_id +
              " for this token: check CI_PROJECT_ID and CI_MERGE_REQUEST_IID, and that the "
              "token's project or group is this one"};
}

}  // namespace

Evidence read_gitlab_approvals(const ForgeAccess& access, const CiContext& context,
                               const ChangeSet& change, HttpClient& http) {
  Evidence evidence;
  bool landing = context.change_id.empty() && lands_on_default_branch(context);
  if (context.change_id.empty() && !landing) {
    evidence.approvals_missing =
        "a branch pipeline names no merge request: approvals are read in merge request "
        "pipelines and in pipelines of the default branch (or pass --approvals FILE)";
    return evidence;
  }
  if (access.api_url.empty()) {
    throw InputError(
        "CI_API_V4_URL is not set, so Gate cannot read the merge request's "
        "approvals: run inside GitLab CI, or pass --approvals FILE");
  }
  if (!is_plain_segment(access.project_id) ||
      !std::all_of(access.project_id.begin(), access.project_id.end(), is_digit)) {
    throw InputError("CI_PROJECT_ID is not a project id: '" + access.project_id.substr(0, 40) +
                     "': run inside GitLab CI, or pass --approvals FILE");
  }
  if (access.token.empty()) {
    throw InputError(
        "no GitLab API token, so Gate cannot read the merge request's approvals: set "
        "GATE_GITLAB_TOKEN (a project access token with read_api) in Settings > CI/CD > "
        "Variables, or pass --approvals FILE");
  }
  std::string header = access.token_variable == "CI_JOB_TOKEN" ? "JOB-TOKEN: " : "PRIVATE-TOKEN: ";
  ApiSession api(http, access.api_url, {header + access.token, "Accept: application/json"});
  std::string change_id = context.change_id;
  std::string approved_head = change.head;
  if (landing) {
    std::string commits_url = access.api_url + "/projects/" + access.project_id +
                              "/repository/commits/" + change.head + "/merge_requests";
    HttpResponse answer = api.get(commits_url, advice_for(access, "commit " + change.head));
    std::optional<ChangeOfCommit> landed = change_landed_as(
        parse_answer("GitLab", commits_url, answer.body, parse_gitlab_commit_merge_requests),
        change.head);
    if (!landed) {
      evidence.approvals_missing = "commit " + change.head.substr(0, 12) + " was pushed to " +
                                   context.default_branch +
                                   " directly: it landed from no merged merge request, so no "
                                   "one approved it";
      return evidence;
    }
    change_id = landed->number;
    approved_head = landed->head_sha;
    evidence.landing = Landing{change_id, landed->head_sha, change.head};
    if (approved_head != change.head) evidence.reviewed_head = approved_head;
  }
  if (!std::all_of(change_id.begin(), change_id.end(), is_digit) || change_id.empty() ||
      change_id.size() > 12) {
    throw InputError("CI_MERGE_REQUEST_IID is not a number: '" + change_id.substr(0, 40) + "'");
  }
  ApiAdvice advice = advice_for(access, "merge request !" + change_id);
  std::string url =
      access.api_url + "/projects/" + access.project_id + "/merge_requests/" + change_id;
  HttpResponse answer = api.get(url, advice);
  MergeRequest request = parse_answer("GitLab", url, answer.body, parse_gitlab_merge_request);
  HttpResponse approvals = api.get(url + "/approvals", advice);
  evidence.approvals =
      parse_answer("GitLab", url + "/approvals", approvals.body, parse_gitlab_approvals);
  // GitLab names no commit per approval. With approvals reset on every push, each standing
  // approval is one of the current head; otherwise it names none (and dismiss-stale rules will
  // not count it).
  for (auto& approval : evidence.approvals) {
    if (access.approvals_reset_on_push) approval.commit = approved_head;
  }
  evidence.approvals_provided = true;
  evidence.approvals_source = "gitlab-api";
  evidence.api_url = access.api_url;
  evidence.change_id = change_id;
  evidence.author = request.author;
  spdlog::info("GitLab: {} approvals of merge request !{} by {}", evidence.approvals.size(),
               change_id, request.author);
  return evidence;
}

}  // namespace gate::forge
