#include "rules/registry.hpp"

namespace gate::rules {

void register_process_rules(RuleRegistry& registry) { (void)registry; }

}  // namespace gate::rules
