#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gate/types/params.hpp"
#include "gate/types/rule.hpp"

namespace gate::rules {

// Builds a rule from its entry in the policy. The common keys (id, type, severity, description,
// assets, paths, exclude) are already read into `spec` and marked used in `params`; the factory
// reads its own keys, validates them (Params::fail names file:line:col) and calls params.finish().
using RuleFactory =
    std::function<std::shared_ptr<const Rule>(const Params& params, const PolicyRule& spec)>;

struct RuleParameter {
  std::string name;
  std::string type;  // "string", "list of globs", "size", ...
  std::string description;
  bool required = false;
};

struct RuleType {
  std::string name;     // the `type:` of a policy rule
  std::string family;   // code, data, model or process
  std::string summary;  // one line
  std::vector<RuleParameter> parameters;
  std::string example;    // a YAML rule entry
  bool security = false;  // its findings are security findings (SARIF security-severity)
  // It judges review approvals: gather reads them from the forge when the policy has such a rule.
  bool reads_approvals = false;
  RuleFactory factory;
};

class RuleRegistry {
 public:
  void add(RuleType type);
  const RuleType* find(std::string_view name) const;
  const std::vector<RuleType>& types() const { return types_; }  // sorted by name

 private:
  std::vector<RuleType> types_;
};

// The registry with every built-in rule type. Each family registers its own types.
const RuleRegistry& registry();

void register_code_rules(RuleRegistry& registry);
void register_process_rules(RuleRegistry& registry);
void register_data_rules(RuleRegistry& registry);
void register_model_rules(RuleRegistry& registry);

}  // namespace gate::rules
