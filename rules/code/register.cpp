#include "rules/code/license_header.hpp"
#include "rules/code/secrets/secrets_rule.hpp"
#include "rules/registry.hpp"

namespace gate::rules {

void register_code_rules(RuleRegistry& registry) {
  registry.add(license_header_type());
  registry.add(secrets_type());
}

}  // namespace gate::rules
