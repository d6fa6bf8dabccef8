#include "rules/model/model_card.hpp"
#include "rules/model/model_lineage.hpp"
#include "rules/model/model_metrics.hpp"
#include "rules/model/model_serialization.hpp"
#include "rules/registry.hpp"

namespace gate::rules {

void register_model_rules(RuleRegistry& registry) {
  registry.add(model_card_type());
  registry.add(model_lineage_type());
  registry.add(model_metrics_type());
  registry.add(model_serialization_type());
}

}  // namespace gate::rules
