#include "rules/process/approvals.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
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
  std::string reviewed_head =
      ascii_lower(evidence.reviewed_head.empty() ? change.head : evidence.reviewed_head);
  // Latest decisive review per reviewer; stable on time so equal times keep the order read.
  std::vector<const Approval*> ordered;
  for (const auto& approval : evidence.approvals) ordered.push_back(&approval);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const Approval* a, const Approval* b) { return a->time < b->time; });
  for (const Approval* approval : ordered) {
    if (approval->state == "commented" || approval->state == "pending") continue;
    state.deciding[normalize_owner(approval->reviewer)] = approval;
  }
  for (const auto& [reviewer, approval] : state.deciding) {
    if (approval->state != "approved") continue;
    if (!author.empty() && reviewer == author) {
      state.self.insert(reviewer);
      continue;
    }
    if (dismiss_stale && ascii_lower(approval->commit) != reviewed_head) {
      state.stale.insert(reviewer);
      continue;
    }
    state.approvers.insert(reviewer);
  }
  return state;
}

namespace {

template <typename Members>
const Members* find_team(const std::map<std::string, Members>& teams, const std::string& team) {
  for (const auto& [name, members] : teams) {
    if (normalize_owner(name) == team) return &members;
  }
  return nullptr;
}

std::string describe_source(const std::string& source) {
  if (source == "github-api") return "the GitHub API";
  if (source == "gitlab-api") return "the GitLab API";
  if (source == "policy") return "the policy's teams:";
  return "the approvals file";
}

std::string iso_time(int64_t seconds) {
  std::time_t time = static_cast<std::time_t>(seconds);
  std::tm parts{};
  if (!gmtime_r(&time, &parts)) return std::to_string(seconds);
  char text[32];
  if (std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts) == 0) {
    return std::to_string(seconds);
  }
  return text;
}

}  // namespace

TeamLookup team_members(std::string_view team, const Policy& policy, const Evidence& evidence) {
  std::string name = normalize_owner(team);
  if (const TeamMembers* read = find_team(evidence.forge_teams, name)) {
    return {&read->members, read->source};
  }
  if (const auto* members = find_team(policy.teams, name)) return {members, "policy"};
  if (const auto* members = find_team(evidence.teams, name)) return {members, "file"};
  return {};
}

std::set<std::string> approvers_for(std::string_view owner, const ApprovalState& state,
                                    const Policy& policy, const Evidence& evidence,
                                    bool* unknown_team) {
  std::set<std::string> out;
  std::string name = normalize_owner(owner);
  if (!is_team(owner)) {
    if (state.approvers.count(name)) out.insert(name);
    return out;
  }
  TeamLookup team = team_members(owner, policy, evidence);
  if (!team.members || team.members->empty()) {
    if (unknown_team) *unknown_team = true;
    return out;
  }
  for (const auto& member : *team.members) {
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

std::string approval_notes(const ApprovalState& state, const Evidence& evidence) {
  std::string out;
  if (!state.provided) {
    out += " [" +
           (evidence.approvals_missing.empty() ? std::string("no approvals file was given: pass "
                                                             "--approvals FILE")
                                               : evidence.approvals_missing) +
           "]";
  }
  if (!state.stale.empty()) {
    out +=
        " [approvals of an older commit do not count (dismiss-stale): " + join(state.stale, ", ") +
        "]";
  }
  if (!state.self.empty()) out += " [the author's own approval does not count]";
  return out;
}

std::string team_sources_note(const std::vector<std::string>& teams, const Policy& policy,
                              const Evidence& evidence) {
  // Only when the forge was asked: with a file or no approvals, the policy's map is all there is.
  bool from_forge =
      evidence.approvals_source.size() > 4 &&
      evidence.approvals_source.compare(evidence.approvals_source.size() - 4, 4, "-api") == 0;
  if (!from_forge) return {};
  std::vector<std::string> parts;
  for (const auto& owner : teams) {
    if (!is_team(owner)) continue;
    TeamLookup team = team_members(owner, policy, evidence);
    if (!team.members) continue;
    std::string part = owner + " from " + describe_source(team.source);
    std::string name = normalize_owner(owner);
    for (const auto& [unreadable, why] : evidence.teams_unreadable) {
      if (normalize_owner(unreadable) == name) part += " (" + why + ")";
    }
    parts.push_back(part);
  }
  if (parts.empty()) return {};
  return " (members of " + join(parts, "; of ") + ")";
}

std::string approvals_record(const ApprovalState& state, const Evidence& evidence,
                             const std::vector<std::string>& owners, const Policy& policy) {
  using json = nlohmann::json;
  json reviews = json::array();
  for (const auto& [reviewer, approval] : state.deciding) {
    json review = {{"reviewer", reviewer}, {"state", approval->state}};
    if (!approval->commit.empty()) review["commit"] = approval->commit;
    if (approval->time != 0) review["time"] = iso_time(approval->time);
    if (!approval->id.empty()) review["id"] = approval->id;
    reviews.push_back(std::move(review));
  }
  json teams = json::object();
  for (const auto& owner : owners) {
    if (!is_team(owner) || teams.contains(owner)) continue;
    TeamLookup team = team_members(owner, policy, evidence);
    json entry = {{"source", team.members ? team.source : std::string("unknown")}};
    if (team.members) entry["members"] = *team.members;
    teams[owner] = std::move(entry);
  }
  json record = {
      {"source", evidence.approvals_provided ? evidence.approvals_source : std::string("none")},
      {"reviews", std::move(reviews)},
      {"approvers", state.approvers},
  };
  if (!evidence.change_id.empty()) record["changeId"] = evidence.change_id;
  if (!evidence.author.empty()) record["author"] = evidence.author;
  if (!evidence.reviewed_head.empty()) record["reviewedHead"] = evidence.reviewed_head;
  if (!state.stale.empty()) record["stale"] = state.stale;
  if (!state.self.empty()) record["self"] = state.self;
  if (!teams.empty()) record["teams"] = std::move(teams);
  return record.dump(-1, ' ', false, json::error_handler_t::replace);
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
