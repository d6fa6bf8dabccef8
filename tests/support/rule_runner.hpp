#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "gate/types/blob_source.hpp"
#include "gate/types/changeset.hpp"
#include "gate/types/evidence.hpp"
#include "gate/types/params.hpp"
#include "gate/types/policy.hpp"
#include "gate/types/rule.hpp"
#include "rules/registry.hpp"

namespace gate::test {

// Builds a rule of `type` (id "r") from `yaml` (its own keys only), as the policy loader would,
// evaluates it over the given change and returns its findings sorted.
inline RuleResult run_rule_type(const std::string& type, const std::string& yaml,
                                const ChangeSet& change, const Policy& policy,
                                const BlobSource& blobs, const Evidence& evidence,
                                std::optional<std::filesystem::path> workdir = std::nullopt) {
  YAML::Node node = YAML::Load(yaml);
  Params params("policy.yaml", node, "rule r");
  PolicyRule spec;
  spec.id = "r";
  spec.type = type;
  const rules::RuleType* rule_type = rules::registry().find(type);
  if (rule_type == nullptr) throw std::runtime_error("no rule type " + type);
  auto rule = rule_type->factory(params, spec);
  RuleContext context{change, policy, spec, blobs, evidence, std::move(workdir), 0};
  RuleResult result = rule->evaluate(context);
  sort_findings(result.findings);
  return result;
}

}  // namespace gate::test
