#include "rules/generic/co_change.hpp"
#include "rules/generic/forbidden_paths.hpp"
#include "rules/generic/max_file_size.hpp"
#include "rules/registry.hpp"

namespace gate::rules {

void register_generic_rules(RuleRegistry& registry) {
  registry.add(forbidden_paths_type());
  registry.add(max_file_size_type());
  registry.add(co_change_type());
}

}  // namespace gate::rules
