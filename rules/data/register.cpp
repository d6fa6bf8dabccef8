#include "rules/data/data_contract.hpp"
#include "rules/data/data_drift.hpp"
#include "rules/data/data_manifest.hpp"
#include "rules/data/data_pii.hpp"
#include "rules/data/data_schema.hpp"
#include "rules/registry.hpp"

namespace gate::rules {

void register_data_rules(RuleRegistry& registry) {
  registry.add(data_schema_type());
  registry.add(data_manifest_type());
  registry.add(data_pii_type());
  registry.add(data_contract_type());
  registry.add(data_drift_type());
}

}  // namespace gate::rules
