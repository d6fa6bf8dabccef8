#include "rules/process/approvals.hpp"

#include <algorithm>
#include <map>

namespace gate::rules {

std::string normalize_owner(std::string_view owner) {
  if (!owner.empty() && owner.front() == '@') owner.remove_prefix(1);
  return ascii_lower(owner);
}

bool is_team(std::string_view owner) {
  if (owner.size() < 2 || owner.front() != '@') return false;
  return owner[1] == '@' || owner.find('/') != std::string_view::npos;
}

ApprovalState current_approvals(const Evidence& evidence, const ChangeSet& change,
                                bool dismiss_stale) {
  ApprovalState state;
  state.provided = evidence.approvals_provided;
  std::string author = normalize_owner(evidence.author);
  // Latest decisive review per reviewer; stable on time so equal times keep file order.
  std::vector<const Approval*> ordered;
  for (const auto& approval : evidence.approvals) ordered.push_back(&approval);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const Approval* a, const Approval* b) { return a->time < b->time; });
  std::map<std::string, const Approval*> latest;
  for (const Approval* approval : ordered) {
    if (approval->state == "commented" || approval->state == "pending") continue;
    latest[normalize_owner(approval->reviewer)] = approval;
  }
  for (const auto& [reviewer, approval] : latest) {
    if (approval->state != "approved") continue;
    if (!author.empty() && reviewer == author) {
      state.self.insert(reviewer);
      continue;
    }
    if (dismiss_stale && ascii_lower(approval->commit) != ascii_lower(change.head)) {
      state.stale.insert(reviewer);
      continue;
    }
    state.approvers.insert(reviewer);
  }
  return state;
}

namespace {

const std::vector<std::string>* members_in(
    const std::map<std::string, std::vector<std::string>>& teams, const std::string& team) {
  for (const auto& [name, members] : teams) {
    if (normalize_owner(name) == team) return &members;
  }
  return nullptr;
}

}  // namespace

std::set<std::string> approvers_for(std::string_view owner, const ApprovalState& state,
                                    const Policy& policy, const Evidence& evidence,
                                    bool* unknown_team) {
  std::set<std::string> out;
  std::string name = normalize_owner(owner);
  if (!is_team(owner)) {
    if (state.approvers.count(name)) out.insert(name);
    return out;
  }
  const std::vector<std::string>* members = members_in(policy.teams, name);
  if (!members) members = members_in(evidence.teams, name);
  if (!members || members->empty()) {
    if (unknown_team) *unknown_team = true;
    return out;
  }
  for (const auto& member : *members) {
    std::string login = normalize_owner(member);
    if (state.approvers.count(login)) out.insert(login);
  }
  return out;
}

std::set<std::string> approvers_for_any(const std::vector<std::string>& owners,
                                        const ApprovalState& state, const Policy& policy,
                                        const Evidence& evidence,
                                        std::vector<std::string>* unknown_teams) {
  std::set<std::string> out;
  for (const auto& owner : owners) {
    bool unknown = false;
    std::set<std::string> found = approvers_for(owner, state, policy, evidence, &unknown);
    out.insert(found.begin(), found.end());
    if (unknown && unknown_teams) unknown_teams->push_back(owner);
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += separator;
    out += items[i];
  }
  return out;
}

std::string join(const std::set<std::string>& items, std::string_view separator) {
  return join(std::vector<std::string>(items.begin(), items.end()), separator);
}

}  // namespace gate::rules
