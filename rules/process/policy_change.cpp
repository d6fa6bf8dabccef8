#include "rules/process/policy_change.hpp"

#include <algorithm>
#include <set>

#include "rules/process/approvals.hpp"
#include "rules/process/codeowners.hpp"

namespace gate::rules {

bool is_policy_path(const Policy& policy, const std::string& path) {
  if (path.rfind(".gate/", 0) == 0) return true;
  if (path == policy.waivers_path || path == policy.ignore_path || path == policy.path) return true;
  const auto& locations = codeowners_locations();
  return std::find(locations.begin(), locations.end(), path) != locations.end();
}

namespace {

class PolicyChange : public Rule {
 public:
  PolicyChange(uint32_t approvals, bool dismiss_stale, GlobList also)
      : approvals_(approvals), dismiss_stale_(dismiss_stale), also_(std::move(also)) {}

  RuleResult evaluate(const RuleContext& context) const override {
    RuleResult result;
    std::vector<std::string> protected_paths;
    std::set<std::string> seen;
    for (const auto& file : context.change.files) {
      if (!context.in_scope(file)) continue;
      for (const std::string* path : {&file.path, &file.old_path}) {
        if (path->empty() || seen.count(*path)) continue;
        if (is_policy_path(context.policy, *path) || (!also_.empty() && also_.matches(*path))) {
          seen.insert(*path);
          protected_paths.push_back(*path);
        }
      }
    }
    if (protected_paths.empty()) {
      result.skipped = "the change does not touch the policy, waivers, ignore list or CODEOWNERS";
      return result;
    }
    const std::vector<std::string>& owners = context.policy.owners;
    ApprovalState state = current_approvals(context.evidence, context.change, dismiss_stale_);
    std::vector<std::string> unknown_teams;
    std::set<std::string> approvers =
        approvers_for_any(owners, state, context.policy, context.evidence, &unknown_teams);
    result.record = approvals_record(state, context.evidence, owners, context.policy);
    if (!owners.empty() && approvers.size() >= approvals_) return result;

    std::string why;
    if (owners.empty()) {
      why = "the policy names no `owners`, so nobody can approve it";
    } else {
      why =
          "needs " +
          (approvals_ == 1 ? std::string("approval") : std::to_string(approvals_) + " approvals") +
          " from the policy owners (" + join(owners, ", ") + "); " +
          (approvers.empty() ? std::string("none yet") : "has " + join(approvers, ", "));
      why += team_sources_note(owners, context.policy, context.evidence);
      if (!unknown_teams.empty()) {
        why += "; no members known for " + join(unknown_teams, ", ");
      }
      why += approval_notes(state, context.evidence);
    }
    for (const auto& path : protected_paths) {
      Finding f = context.finding(path, "'" + path + "' is part of the policy and " + why);
      f.fingerprint_basis = "policy-change";
      f.security = true;
      result.findings.push_back(std::move(f));
    }
    return result;
  }

 private:
  uint32_t approvals_;
  bool dismiss_stale_;
  GlobList also_;
};

}  // namespace

RuleType policy_change_type() {
  RuleType type;
  type.name = "policy-change";
  type.family = "process";
  type.summary =
      "Changes to .gate/, the waivers and ignore lists or CODEOWNERS need the policy owners' "
      "approval.";
  type.parameters = {
      {"approvals", "integer", "distinct owner approvals required (default 1)", false},
      {"dismiss-stale", "boolean",
       "only approvals of the head commit count (default true: a policy approved at one commit "
       "must not be swapped for another)",
       false},
      {"also", "list of globs", "further paths protected the same way (e.g. .github/workflows/**)",
       false},
  };
  type.example =
      "- id: protect-policy\n"
      "  type: policy-change\n"
      "  approvals: 1\n"
      "  also: [\".github/workflows/**\"]\n";
  type.security = true;
  type.reads_approvals = true;
  type.factory = [](const Params& params, const PolicyRule&) -> std::shared_ptr<const Rule> {
    int64_t approvals = params.integer_or("approvals", 1);
    if (approvals < 1 || approvals > 100) {
      params.fail("approvals", "must be a whole number from 1 to 100");
    }
    bool dismiss_stale = params.boolean_or("dismiss-stale", true);
    GlobList also;
    try {
      also = GlobList(params.string_list("also"));
    } catch (const std::invalid_argument& e) {
      params.fail("also", e.what());
    }
    params.finish();
    return std::make_shared<PolicyChange>(static_cast<uint32_t>(approvals), dismiss_stale,
                                          std::move(also));
  };
  return type;
}

}  // namespace gate::rules
