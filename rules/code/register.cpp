#include "rules/code/co_change.hpp"
#include "rules/code/forbidden_paths.hpp"
#include "rules/code/license_header.hpp"
#include "rules/code/max_file_size.hpp"
#include "rules/code/secrets/secrets_rule.hpp"
#include "rules/registry.hpp"

namespace gate::rules {

void register_code_rules(RuleRegistry& registry) {
  registry.add(forbidden_paths_type());
  registry.add(max_file_size_type());
  registry.add(co_change_type());
  registry.add(license_header_type());
  registry.add(secrets_type());
}

}  // namespace gate::rules
