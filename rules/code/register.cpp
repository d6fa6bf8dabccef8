#include "rules/registry.hpp"

namespace gate::rules {

void register_code_rules(RuleRegistry& registry) { (void)registry; }

}  // namespace gate::rules
