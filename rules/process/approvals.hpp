#pragma once

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
//     then by file order, decides; commented and pending reviews change nothing;
//   - the author of the change never approves their own change;
//   - with `dismiss_stale`, an approval counts only when it names the head commit.
struct ApprovalState {
  std::set<std::string> approvers;
  std::set<std::string> stale;  // approved an older commit (only with dismiss_stale)
  std::set<std::string> self;   // the author's own approval, ignored
  bool provided = false;        // an approvals file was given
};
ApprovalState current_approvals(const Evidence& evidence, const ChangeSet& change,
                                bool dismiss_stale);

// "@Alice" -> "alice", "@Org/Team" -> "org/team", "a@b.c" -> "a@b.c".
std::string normalize_owner(std::string_view owner);
bool is_team(std::string_view owner);  // "@org/team", "@group/sub/team", "@@role"

// Approvers who satisfy `owner`: the owner themselves, or members of the team. Teams come from
// the policy's `teams:` map first, then from the approvals file. `unknown_team` is set when a
// team has no known members.
std::set<std::string> approvers_for(std::string_view owner, const ApprovalState& state,
                                    const Policy& policy, const Evidence& evidence,
                                    bool* unknown_team = nullptr);

// Distinct approvers satisfying any of `owners`.
std::set<std::string> approvers_for_any(const std::vector<std::string>& owners,
                                        const ApprovalState& state, const Policy& policy,
                                        const Evidence& evidence,
                                        std::vector<std::string>* unknown_teams = nullptr);

std::string join(const std::vector<std::string>& items, std::string_view separator);
std::string join(const std::set<std::string>& items, std::string_view separator);

}  // namespace gate::rules
