#pragma once

// Running the `secrets` rule type through the registry, as the engine does, in tests.
#include <yaml-cpp/yaml.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "rules/registry.hpp"

namespace gate::secrets::test {

inline std::shared_ptr<const Rule> make_rule(const std::string& yaml, PolicyRule& spec) {
  spec.id = "no-secrets";
  spec.type = "secrets";
  spec.severity = Severity::warning;
  const rules::RuleType* type = rules::registry().find("secrets");
  if (!type) throw std::logic_error("secrets is not registered");
  Params params(".gate/policy.yaml", YAML::Load(yaml.empty() ? "{}" : yaml), "rule 'no-secrets'");
  return type->factory(params, spec);
}

inline FileChange text_file(const std::string& path, std::vector<std::string> lines,
                            uint32_t first_line = 1) {
  FileChange file;
  file.status = ChangeStatus::added;
  file.path = path;
  file.new_kind = EntryKind::file;
  uint32_t number = first_line;
  for (auto& line : lines) file.added_lines.push_back({number++, std::move(line)});
  return file;
}

inline RuleResult evaluate(const std::string& yaml, const ChangeSet& change,
                           const BlobSource& blobs,
                           std::optional<std::filesystem::path> workdir = std::nullopt) {
  PolicyRule spec;
  auto rule = make_rule(yaml, spec);
  Policy policy;
  Evidence evidence;
  RuleContext context{change, policy, spec, blobs, evidence, std::move(workdir), 0};
  return rule->evaluate(context);
}

}  // namespace gate::secrets::test
