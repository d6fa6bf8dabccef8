#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "gate/types/blob_source.hpp"
#include "gate/types/changeset.hpp"
#include "gate/types/errors.hpp"
#include "gate/types/evidence.hpp"
#include "gate/types/finding.hpp"
#include "gate/types/params.hpp"
#include "gate/types/policy.hpp"
#include "gate/types/rule.hpp"
#include "rules/registry.hpp"

namespace gate::test {

// Runs one rule type over an in-memory change: files put at head are part of the change.
class RuleHarness {
 public:
  // Adds `path` at head (and as a changed file); `base` content, when given, goes to merge_base.
  void change(const std::string& path, const std::string& content) {
    blobs.put(Tree::head, path, content);
    FileChange file;
    file.status = ChangeStatus::added;
    file.path = path;
    file.new_kind = EntryKind::file;
    file.new_size = content.size();
    change_set.files.push_back(file);
  }
  void head_only(const std::string& path, const std::string& content) {
    blobs.put(Tree::head, path, content);
  }
  void base(const std::string& path, const std::string& content) {
    blobs.put(Tree::merge_base, path, content);
  }

  // Builds the rule from `yaml` (its own keys only) and evaluates it.
  RuleResult run(const std::string& type, const std::string& yaml = "{}") {
    YAML::Node node = YAML::Load(yaml);
    Params params("policy.yaml", node, "rule r");
    PolicyRule spec;
    spec.id = "r";
    spec.type = type;
    const rules::RuleType* rule_type = rules::registry().find(type);
    if (rule_type == nullptr) throw std::runtime_error("no rule type " + type);
    auto rule = rule_type->factory(params, spec);
    RuleContext context{change_set, policy, spec, blobs, evidence, std::nullopt, 0};
    RuleResult result = rule->evaluate(context);
    sort_findings(result.findings);
    return result;
  }

  // "severity path: message" lines, for exact comparisons.
  std::vector<std::string> findings(const std::string& type, const std::string& yaml = "{}") {
    std::vector<std::string> out;
    for (const auto& f : run(type, yaml).findings) {
      out.push_back(std::string(to_string(f.severity)) + " " + f.path + ": " + f.message);
    }
    return out;
  }

  MemoryBlobSource blobs;
  ChangeSet change_set;
  Policy policy;
  Evidence evidence;
};

std::string fixture(const std::string& name);

}  // namespace gate::test
