#include "rules/registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace gate::rules {

void RuleRegistry::add(RuleType type) {
  if (find(type.name) != nullptr) {
    throw std::logic_error("rule type '" + type.name + "' registered twice");
  }
  auto at =
      std::lower_bound(types_.begin(), types_.end(), type.name,
                       [](const RuleType& t, const std::string& name) { return t.name < name; });
  types_.insert(at, std::move(type));
}

const RuleType* RuleRegistry::find(std::string_view name) const {
  auto at = std::lower_bound(types_.begin(), types_.end(), name,
                             [](const RuleType& t, std::string_view n) { return t.name < n; });
  if (at == types_.end() || at->name != name) return nullptr;
  return &*at;
}

const RuleRegistry& registry() {
  static const RuleRegistry instance = [] {
    RuleRegistry r;
    register_code_rules(r);
    register_process_rules(r);
    register_data_rules(r);
    register_model_rules(r);
    return r;
  }();
  return instance;
}

}  // namespace gate::rules
