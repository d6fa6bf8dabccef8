// Pull request reviews and team members from the GitHub REST API (docs/approvals.md).
#include "gate/engine/forge/github_approvals.hpp"

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

// GitHub lists at most 100 a page; 100 pages is ten thousand reviews, far beyond any real pull
// request, and bounds a server that keeps answering rel="next".
constexpr int kMaxPages = 100;

constexpr const char* kTokenRefused =
    "GitHub does not accept the token: pass the job's token to the step "
    "(`GITHUB_TOKEN: ${{ github.token }}`, which the action does by default)";

ApiAdvice pull_advice(const CiContext& context, const std::string& change_id) {
  return {"GitHub", kTokenRefused,
          "the token may not read pull requests: add `pull-requests: read` to the workflow's "
          "permissions",
          "no pull request #" + change_id + " in " + context.repository +
              " for this token: check GITHUB_REPOSITORY, and give the token `pull-requests: "
              "read` (a private repository answers 404 to tokens without it)"};
}

ApiAdvice landing_advice(const CiContext& context, const std::string& commit) {
  return {"GitHub", kTokenRefused,
          "the token may not list the pull requests of a commit: add `contents: read` and "
          "`pull-requests: read` to the workflow's permissions",
          "no commit " + commit + " in " + context.repository +
              " for this token: push it first, and give the token `contents: read`"};
}

// The merged pull request `commit` landed from on the default branch; nullopt for a direct push.
std::optional<ChangeOfCommit> landed_pull(const ApiSession& api, const CiContext& context,
                                          const std::string& commit) {
  std::string url =
      api.api_url() + "/repos/" + context.repository + "/commits/" + commit + "/pulls?per_page=100";
  HttpResponse answer = api.get(url, landing_advice(context, commit));
  return change_landed_as(parse_answer("GitHub", url, answer.body, parse_github_commit_pulls),
                          commit);
}

ApiAdvice team_advice() {
  return {"GitHub",
          "GitHub does not accept the token: pass the job's token to the step "
          "(`GITHUB_TOKEN: ${{ github.token }}`)",
          "", ""};
}

template <typename Item, typename Parse>
std::vector<Item> all_pages(const ApiSession& api, std::string url, const ApiAdvice& advice,
                            Parse parse) {
  std::vector<Item> items;
  for (int page = 0;; ++page) {
    if (page == kMaxPages) {
      throw InputError("GitHub API GET " + url + ": more than " + std::to_string(kMaxPages) +
                       " pages: pass the approvals as --approvals FILE instead");
    }
    HttpResponse response = api.get(url, advice);
    std::vector<Item> found = parse_answer("GitHub", url, response.body, parse);
    items.insert(items.end(), std::make_move_iterator(found.begin()),
                 std::make_move_iterator(found.end()));
    std::optional<std::string> next = next_page(response.header("link"));
    if (!next) return items;
    if (!api.same_origin(*next)) {
      malformed_answer(
          "GitHub", url,
          "its next page " + next->substr(0, 120) + " is on another host than GITHUB_API_URL");
    }
    url = *next;
  }
}

// Members of `@org/team`, or nullopt (with `why`) when the token may not read the team.
std::optional<std::vector<std::string>> team_members(const ApiSession& api, const std::string& team,
                                                     std::string& why) {
  std::string name = team.substr(1);
  size_t slash = name.find('/');
  std::string org = name.substr(0, slash), slug = name.substr(slash + 1);
  if (!is_plain_segment(org) || !is_plain_segment(slug)) {
    why = "not a GitHub team name";
    return std::nullopt;
  }
  std::string url = api.api_url() + "/orgs/" + org + "/teams/" + slug + "/members?per_page=100";
  std::vector<std::string> members;
  for (int page = 0; page < kMaxPages; ++page) {
    HttpResponse response = api.get_allowing(url, team_advice(), {403, 404});
    if (response.status == 403 || response.status == 404) {
      why = "the token cannot read the team's members (GitHub answered " +
            std::to_string(response.status) +
            "; GITHUB_TOKEN never can: use a token with read:org, or list the team in the "
            "policy's teams:)";
      return std::nullopt;
    }
    std::vector<std::string> found =
        parse_answer("GitHub", url, response.body, parse_github_members);
    members.insert(members.end(), found.begin(), found.end());
    std::optional<std::string> next = next_page(response.header("link"));
    if (!next) return members;
    if (!api.same_origin(*next)) {
      malformed_answer("GitHub", url, "its next page is on another host than GITHUB_API_URL");
    }
    url = *next;
  }
  throw InputError("GitHub API GET " + url + ": more than " + std::to_string(kMaxPages) +
                   " pages of team members");
}

}  // namespace

Evidence read_github_approvals(const ForgeAccess& access, const CiContext& context,
                               const ChangeSet& change, const std::vector<std::string>& teams,
                               HttpClient& http) {
  Evidence evidence;
  bool landing = context.change_id.empty() && lands_on_default_branch(context);
  if (context.change_id.empty() && !landing) {
    evidence.approvals_missing =
        "the `" + context.event +
        "` event names no pull request: reviews are read on pull_request, pull_request_review "
        "and merge_group events and on pushes to the default branch (or pass --approvals FILE)";
    return evidence;
  }
  size_t slash = context.repository.find('/');
  if (slash == std::string::npos || !is_plain_segment(context.repository.substr(0, slash)) ||
      !is_plain_segment(context.repository.substr(slash + 1))) {
    throw InputError("GITHUB_REPOSITORY is not owner/name: '" + context.repository.substr(0, 80) +
                     "': run inside GitHub Actions, or pass --approvals FILE");
  }
  if (access.token.empty()) {
    throw InputError(
        "GITHUB_TOKEN is not set, so Gate cannot read the pull request's reviews: give the step "
        "`GITHUB_TOKEN: ${{ github.token }}` (the action does by default) and the workflow "
        "`pull-requests: read`, or pass --approvals FILE");
  }
  ApiSession api(http, access.api_url,
                 {"Authorization: Bearer " + access.token, "Accept: application/vnd.github+json",
                  "X-GitHub-Api-Version: 2022-11-28"});
  std::string change_id = context.change_id;
  if (landing) {
    std::optional<ChangeOfCommit> landed = landed_pull(api, context, change.head);
    if (!landed) {
      evidence.approvals_missing = "commit " + change.head.substr(0, 12) + " was pushed to " +
                                   context.default_branch +
                                   " directly: it landed from no merged pull request, so no "
                                   "review approved it";
      return evidence;
    }
    change_id = landed->number;
    evidence.landing = Landing{change_id, landed->head_sha, change.head};
  }
  if (!std::all_of(change_id.begin(), change_id.end(), is_digit) || change_id.empty() ||
      change_id.size() > 12) {
    throw InputError("the pull request number '" + change_id.substr(0, 40) +
                     "' is not a number: check the event payload (GITHUB_EVENT_PATH)");
  }
  ApiAdvice advice = pull_advice(context, change_id);
  std::string pull_url = access.api_url + "/repos/" + context.repository + "/pulls/" + change_id;
  HttpResponse pull_answer = api.get(pull_url, advice);
  PullRequest pull = parse_answer("GitHub", pull_url, pull_answer.body, parse_github_pull);

  evidence.approvals =
      all_pages<Approval>(api, pull_url + "/reviews?per_page=100", advice, parse_github_reviews);
  evidence.approvals_provided = true;
  evidence.approvals_source = "github-api";
  evidence.api_url = access.api_url;
  evidence.change_id = change_id;
  evidence.author = pull.author;
  // In a merge queue the head judged is the queue's merge commit, and on the default branch the
  // merge, squash or rebased commit; reviews name the pull request's own head.
  if ((context.event == "merge_group" || landing) && pull.head_sha != change.head) {
    evidence.reviewed_head = pull.head_sha;
  }
  for (const auto& team : teams) {
    std::string why;
    if (auto members = team_members(api, team, why)) {
      evidence.forge_teams[team] = TeamMembers{std::move(*members), "github-api"};
    } else {
      evidence.teams_unreadable[team] = why;
    }
  }
  spdlog::info("GitHub: {} reviews of pull request #{} by {}, {} of {} teams read",
               evidence.approvals.size(), change_id, pull.author, evidence.forge_teams.size(),
               teams.size());
  return evidence;
}

}  // namespace gate::forge
