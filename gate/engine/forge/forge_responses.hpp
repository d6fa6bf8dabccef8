#pragma once

// Pure readers of the forge answers Gate relies on (GitHub REST v3, GitLab REST v4): bytes in,
// values out, no I/O. Each throws ResponseError naming the field that is wrong; the caller adds
// the URL. Fuzzed by fuzz/forge_responses_fuzz.cpp.

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "gate/types/evidence.hpp"

namespace gate::forge {

class ResponseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct PullRequest {
  std::string number;
  std::string author;    // user.login
  std::string head_sha;  // head.sha
};

// GET /repos/{owner}/{repo}/pulls/{number}
PullRequest parse_github_pull(std::string_view body);

// One page of GET /repos/{owner}/{repo}/pulls/{number}/reviews (oldest first). States are
// lowercased; one GitHub may add later counts as `commented` (it changes nothing). Reviews of
// deleted accounts (user null) are left out.
std::vector<Approval> parse_github_reviews(std::string_view body);

// One page of GET /orgs/{org}/teams/{team_slug}/members: the logins.
std::vector<std::string> parse_github_members(std::string_view body);

// The URL of rel="next" in an RFC 8288 Link header, as GitHub pages its lists.
std::optional<std::string> next_page(std::string_view link_header);

struct MergeRequest {
  std::string iid;
  std::string author;  // author.username
  std::string sha;     // the source branch's head
};

// GET /projects/:id/merge_requests/:iid
MergeRequest parse_gitlab_merge_request(std::string_view body);

// GET /projects/:id/merge_requests/:iid/approvals: one `approved` entry per user in
// approved_by (GitLab keeps no commit per approval; `approved_at` when the server gives it).
std::vector<Approval> parse_gitlab_approvals(std::string_view body);

// A pull or merge request a commit belongs to, as the forge lists them for a commit.
struct ChangeOfCommit {
  std::string number;  // GitHub number / GitLab iid
  std::string author;
  std::string head_sha;
  bool merged = false;
  // The commits the change became on its target branch: GitHub's merge_commit_sha (the merge,
  // squash or last rebased commit); GitLab's merge_commit_sha, squash_commit_sha and, for a
  // fast-forward merge, the head itself.
  std::vector<std::string> landed_as;
};

// GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls
std::vector<ChangeOfCommit> parse_github_commit_pulls(std::string_view body);

// GET /projects/:id/repository/commits/:sha/merge_requests
std::vector<ChangeOfCommit> parse_gitlab_commit_merge_requests(std::string_view body);

// The merged change that `commit` is the landing of, or nullopt (a direct push, or a commit
// that only belongs to open changes).
std::optional<ChangeOfCommit> change_landed_as(const std::vector<ChangeOfCommit>& changes,
                                               const std::string& commit);

// The `message` of a JSON error body (GitHub: {"message": ...}; GitLab: {"message": ...} or
// {"error": ...}), cut to one short line; empty when there is none.
std::string error_message(std::string_view body);

// ISO 8601 as the forges write it (2019-11-17T17:43:43Z, fractions, +02:00 offsets), in
// seconds since the epoch.
std::optional<int64_t> parse_iso8601(std::string_view text);

}  // namespace gate::forge
