#include "rules/process/codeowners_approval.hpp"
#include "rules/process/commit_message.hpp"
#include "rules/process/policy_change.hpp"
#include "rules/registry.hpp"

namespace gate::rules {

void register_process_rules(RuleRegistry& registry) {
  registry.add(codeowners_approval_type());
  registry.add(policy_change_type());
  registry.add(commit_message_type());
}

}  // namespace gate::rules
