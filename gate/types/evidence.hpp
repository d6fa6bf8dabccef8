#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gate {

// A review of the change: read from the forge's API (GitHub pull request reviews, GitLab merge
// request approvals) or from an approvals file collected before Gate ran (`--approvals FILE`).
struct Approval {
  std::string reviewer;  // login, without '@'
  std::string state;     // "approved" counts; anything else is recorded but does not count
  std::string commit;    // the head commit id that was approved
  int64_t time = 0;      // seconds since the epoch; 0 when unknown
  std::string id = {};   // the forge's id of the review, when read from its API (default: keeps
                         // four-field initialisers warning-free)
};

// Where the members of a team came from, for the findings and the signed record.
struct TeamMembers {
  std::vector<std::string> members;
  std::string source;  // "github-api", "file:<path>"
};

// A commit that landed on the default branch from a pull or merge request (merged, squashed or
// rebased): the change it came from, so its reviews count and its decision is linked.
struct Landing {
  std::string change_id;    // the pull request number / merge request iid
  std::string change_head;  // the change's head when it merged: the commit its reviews name
  std::string commit;       // the commit on the default branch
  // The signed decision about change_head kept in refs/notes/gate, when there is one.
  // (Defaults keep three-field initialisers warning-free.)
  std::string decision_sha256 = {};  // of the envelope
  std::string decision_verdict = {};
  int64_t decision_time = 0;
};

// Evidence from outside the repository that rules may judge.
struct Evidence {
  bool approvals_provided = false;
  std::string approvals_file;
  // Where the approvals came from: "github-api", "gitlab-api", "file:<path>"; empty for none.
  std::string approvals_source;
  // When no approvals were read: why, as the findings say it (e.g. "no approvals file was
  // given: pass --approvals FILE").
  std::string approvals_missing;
  std::string api_url;    // the API the approvals were read from, when read from one
  std::string change_id;  // the pull request number / merge request iid they belong to
  // The commit a current review names. Empty: the head Gate judges. In a merge queue the head
  // judged is the queue's merge commit while reviews name the pull request's own head.
  std::string reviewed_head;
  std::vector<Approval> approvals;
  std::string author;  // login of the change's author (the pull request author)
  std::map<std::string, std::vector<std::string>> teams;  // from the approvals file, if any
  // Teams read from the forge (`@org/team` as CODEOWNERS names it): win over the policy's map.
  std::map<std::string, TeamMembers> forge_teams;
  // Teams the forge would not list to this token (the policy's map is used for them), with why.
  std::map<std::string, std::string> teams_unreadable;
  // Set when the run is for a commit that landed from a pull or merge request.
  std::optional<Landing> landing;
};

}  // namespace gate
