#include "rules/process/codeowners_approval.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "gate/types/errors.hpp"
#include "rules/process/approvals.hpp"
#include "rules/process/codeowners.hpp"

namespace gate::rules {

namespace {

std::string describe_section(const CodeownersSection& section) {
  return section.name.empty() ? std::string() : " in section [" + section.name + "]";
}

class CodeownersApproval : public Rule {
 public:
  CodeownersApproval(bool dismiss_stale, std::vector<std::string> locations, bool require_owners)
      : dismiss_stale_(dismiss_stale),
        locations_(std::move(locations)),
        require_owners_(require_owners) {}

  RuleResult evaluate(const RuleContext& context) const override {
    RuleResult result;
    std::vector<std::string> paths;
    for (const auto& file : context.change.files) {
      if (!context.in_scope(file)) continue;
      paths.push_back(file.path);
      // Moving a file out of an owned directory changes that directory too.
      if (!file.old_path.empty() && file.old_path != file.path) paths.push_back(file.old_path);
    }
    if (paths.empty()) {
      result.skipped = "no changed file in scope";
      return result;
    }
    std::optional<Codeowners> found = read_codeowners(context.blobs, locations_);
    if (!found) {
      Finding f = context.finding("", "no CODEOWNERS file in the base revision (looked at " +
                                          join(locations_, ", ") +
                                          "), so no change can show its owners' approval");
      f.fingerprint_basis = "codeowners:missing";
      result.findings.push_back(std::move(f));
      return result;
    }
    const Codeowners& codeowners = *found;
    ApprovalState state = current_approvals(context.evidence, context.change, dismiss_stale_);

    size_t owned = 0;
    std::set<std::string> seen;
    std::vector<std::string> owners_consulted;
    for (const auto& path : paths) {
      if (!seen.insert(path).second) continue;
      std::vector<CodeownersMatch> matches = match_codeowners(codeowners, path);
      std::vector<std::string> problems;
      std::vector<std::string> basis;
      bool has_owners = false;
      for (const auto& match : matches) {
        if (match.entry->owners.empty()) continue;
        has_owners = true;
        if (match.section->optional) continue;
        for (const auto& owner : match.entry->owners) {
          if (std::find(owners_consulted.begin(), owners_consulted.end(), owner) ==
              owners_consulted.end()) {
            owners_consulted.push_back(owner);
          }
        }
        std::vector<std::string> unknown_teams;
        std::set<std::string> approvers = approvers_for_any(
            match.entry->owners, state, context.policy, context.evidence, &unknown_teams);
        if (approvers.size() >= match.section->approvals) continue;
        std::string need = match.section->approvals == 1
                               ? "approval from " + join(match.entry->owners, " or ")
                               : std::to_string(match.section->approvals) + " approvals from " +
                                     join(match.entry->owners, ", ");
        std::string problem = need + describe_section(*match.section) + " (" + codeowners.path +
                              ":" + std::to_string(match.entry->line) + "); ";
        problem += approvers.empty() ? "none yet" : "has " + join(approvers, ", ");
        problem += team_sources_note(match.entry->owners, context.policy, context.evidence);
        if (!unknown_teams.empty()) {
          problem += "; no members known for " + join(unknown_teams, ", ") +
                     " (add them to `teams:` in the policy or the approvals file)";
          problem += unreadable_note(unknown_teams, context.evidence);
        }
        problems.push_back(problem);
        basis.push_back(match.section->name + "=" + join(match.entry->owners, ","));
      }
      if (has_owners) ++owned;
      if (!has_owners && require_owners_) {
        Finding f = context.finding(path, "'" + path + "' has no code owner in " + codeowners.path);
        f.fingerprint_basis = "codeowners:unowned";
        result.findings.push_back(std::move(f));
        continue;
      }
      if (problems.empty()) continue;
      std::string message = "'" + path + "' needs " + join(problems, "; and ");
      message += approval_notes(state, context.evidence);
      Finding f = context.finding(path, message);
      f.fingerprint_basis = "codeowners:" + join(basis, ";");
      result.findings.push_back(std::move(f));
    }
    if (owned == 0 && result.findings.empty()) {
      result.skipped = "no changed path has code owners in " + codeowners.path;
      return result;
    }
    result.record = approvals_record(state, context.evidence, owners_consulted, context.policy);
    return result;
  }

 private:
  // Why the forge did not list a team's members, when it did not.
  static std::string unreadable_note(const std::vector<std::string>& teams,
                                     const Evidence& evidence) {
    std::string out;
    for (const auto& team : teams) {
      for (const auto& [name, why] : evidence.teams_unreadable) {
        if (normalize_owner(name) == normalize_owner(team)) out += "; " + team + ": " + why;
      }
    }
    return out;
  }

  bool dismiss_stale_;
  std::vector<std::string> locations_;
  bool require_owners_;
};

}  // namespace

RuleType codeowners_approval_type() {
  RuleType type;
  type.name = "codeowners-approval";
  type.family = "process";
  type.reads_approvals = true;
  type.summary =
      "Every changed path needs approval from its owners in the base revision's CODEOWNERS.";
  type.parameters = {
      {"dismiss-stale", "boolean", "only approvals of the head commit count (default false)",
       false},
      {"file", "string",
       "CODEOWNERS path to read (default: the first of .github/CODEOWNERS, CODEOWNERS, "
       "docs/CODEOWNERS, .gitlab/CODEOWNERS)",
       false},
      {"require-owners", "boolean", "a changed path without any owner is a finding (default false)",
       false},
  };
  type.example =
      "- id: owners-approve\n"
      "  type: codeowners-approval\n"
      "  dismiss-stale: true\n";
  type.factory = [](const Params& params, const PolicyRule&) -> std::shared_ptr<const Rule> {
    bool dismiss_stale = params.boolean_or("dismiss-stale", false);
    std::vector<std::string> locations = codeowners_locations();
    if (auto file = params.optional_string("file")) {
      if (file->empty() || file->front() == '/' || file->find("..") != std::string::npos) {
        params.fail("file", "must be a repository-relative path", "e.g. file: .github/CODEOWNERS");
      }
      locations = {*file};
    }
    bool require_owners = params.boolean_or("require-owners", false);
    params.finish();
    return std::make_shared<CodeownersApproval>(dismiss_stale, std::move(locations),
                                                require_owners);
  };
  return type;
}

}  // namespace gate::rules
