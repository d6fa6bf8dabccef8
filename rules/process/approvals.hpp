#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gate/types/changeset.hpp"
#include "gate/types/evidence.hpp"
#include "gate/types/policy.hpp"
#include "gate/types/text.hpp"

namespace gate::rules {

// Logins (lowercase, without '@') whose review currently approves the change:
//   - per reviewer, the latest decisive review (approved, changes_requested, dismissed) by time,
//     then by the order read, decides; commented and pending reviews change nothing (as on
//     GitHub and in policy-bot);
//   - the author of the change never approves their own change;
//   - with `dismiss_stale`, an approval counts only when it names the reviewed head (the head
//     judged, or in a merge queue the pull request's head).
struct ApprovalState {
  std::set<std::string> approvers;
  std::set<std::string> stale;  // approved an older commit (only with dismiss_stale)
  std::set<std::string> self;   // the author's own approval, ignored
  bool provided = false;        // approvals were read (from the forge or a file)
  // The review that decides for each reviewer (latest decisive), what the signed record keeps.
  std::map<std::string, const Approval*> deciding;
};
ApprovalState current_approvals(const Evidence& evidence, const ChangeSet& change,
                                bool dismiss_stale);

// "@Alice" -> "alice", "@Org/Team" -> "org/team", "a@b.c" -> "a@b.c".
std::string normalize_owner(std::string_view owner);
bool is_team(std::string_view owner);  // "@org/team", "@group/sub/team", "@@role"

// The members of a team and where they came from: the forge's API first (when the token could
// read the team), then the policy's `teams:` map, then the approvals file's `teams`.
struct TeamLookup {
  const std::vector<std::string>* members = nullptr;  // null: unknown
  std::string source;  // "github-api", "policy", "file"; empty when unknown
};
TeamLookup team_members(std::string_view team, const Policy& policy, const Evidence& evidence);

// Approvers who satisfy `owner`: the owner themselves, or members of the team (team_members).
// `unknown_team` is set when a team has no known members.
std::set<std::string> approvers_for(std::string_view owner, const ApprovalState& state,
                                    const Policy& policy, const Evidence& evidence,
                                    bool* unknown_team = nullptr);

// Distinct approvers satisfying any of `owners`.
std::set<std::string> approvers_for_any(const std::vector<std::string>& owners,
                                        const ApprovalState& state, const Policy& policy,
                                        const Evidence& evidence,
                                        std::vector<std::string>* unknown_teams = nullptr);

// The bracketed notes a finding about missing approvals ends with: no approvals read (and
// why), stale approvals, the author's own approval.
std::string approval_notes(const ApprovalState& state, const Evidence& evidence);

// Where the members of `teams` came from, for a finding: " (members of @a/b from the GitHub
// API; of @c/d from the policy's teams:, the token cannot read the team: ...)". Empty when
// `teams` has none, or when the approvals did not come from the forge.
std::string team_sources_note(const std::vector<std::string>& teams, const Policy& policy,
                              const Evidence& evidence);

// What a rule relied on, for the signed decision (RuleResult::record): the source of the
// approvals, the deciding review of each reviewer (who, state, commit, when, review id), who
// counted, and the teams looked up with their source. A JSON object's text.
std::string approvals_record(const ApprovalState& state, const Evidence& evidence,
                             const std::vector<std::string>& owners, const Policy& policy);

std::string join(const std::vector<std::string>& items, std::string_view separator);
std::string join(const std::set<std::string>& items, std::string_view separator);

}  // namespace gate::rules
