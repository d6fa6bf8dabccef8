#include "rules/process/approval_teams.hpp"

#include <set>

#include "rules/process/approvals.hpp"
#include "rules/process/codeowners.hpp"
#include "rules/registry.hpp"

namespace gate::rules {

bool policy_reads_approvals(const Policy& policy) {
  for (const auto& rule : policy.rules) {
    const RuleType* type = registry().find(rule.type);
    if (type && type->reads_approvals) return true;
  }
  return false;
}

std::vector<std::string> teams_for_change(const Policy& policy, const ChangeSet& change,
                                          const BlobSource& blobs) {
  std::set<std::string> teams;
  auto add = [&teams](const std::string& owner) {
    // GitHub teams only: `@org/team`. GitLab groups and roles (`@group/sub`, `@@role`) are
    // listed in the policy's teams: map.
    if (is_team(owner) && owner[1] != '@') teams.insert(owner);
  };
  for (const auto& owner : policy.owners) add(owner);
  if (std::optional<Codeowners> codeowners = read_codeowners(blobs, codeowners_locations())) {
    for (const auto& file : change.files) {
      for (const std::string* path : {&file.path, &file.old_path}) {
        if (path->empty()) continue;
        for (const auto& owner : all_owners_of(*codeowners, *path)) add(owner);
      }
    }
  }
  return {teams.begin(), teams.end()};
}

}  // namespace gate::rules
