#include "rules/registry.hpp"

namespace gate::rules {

void register_data_rules(RuleRegistry& registry) { (void)registry; }

}  // namespace gate::rules
