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

// The `message` of a JSON error body (GitHub: {"message": ...}; GitLab: {"message": ...} or
// {"error": ...}), cut to one short line; empty when there is none.
std::string error_message(std::string_view body);

// ISO 8601 as the forges write it (2019-11-17T17:43:43Z, fractions, +02:00 offsets), in
// seconds since the epoch.
std::optional<int64_t> parse_iso8601(std::string_view text);

}  // namespace gate::forge
