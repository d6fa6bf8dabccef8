#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gate/types/glob.hpp"
#include "gate/types/severity.hpp"

namespace gate {

class Rule;

struct AssetClass {
  std::string name;
  GlobList paths;
  std::vector<std::string> owners;
};

// Where a rule applies: explicit paths, or asset classes, or (neither) every file.
struct RuleScope {
  std::vector<std::string> assets;
  GlobList paths;
  GlobList exclude;
};

struct PolicyRule {
  std::string id;
  std::string type;
  Severity severity = Severity::error;
  std::string description;
  RuleScope scope;
  uint32_t line = 0;  // where the rule is declared in the policy file
  std::shared_ptr<const Rule> rule;
};

struct Policy {
  int version = 1;
  std::string source;    // "base:<commit>:.gate/policy.yaml", "file:<path>" or "built-in default"
  std::string path;      // path of the policy file as named in messages
  std::string sha256;    // of the policy bytes
  std::string revision;  // commit the policy was read from; empty for --policy and built-in
  bool overridden = false;  // --policy was given: a local trial, not the base revision's policy
  std::vector<std::string> owners;                        // who approves changes to .gate/
  std::map<std::string, std::vector<std::string>> teams;  // @org/team -> members
  std::vector<AssetClass> assets;
  std::vector<PolicyRule> rules;
  std::string waivers_path = ".gate/waivers.yaml";
  std::string ignore_path = ".gateignore";

  const AssetClass* asset(const std::string& name) const;
  // Asset class names the path belongs to, in policy order; {"other"} when none.
  std::vector<std::string> assets_of(const std::string& path) const;
};

}  // namespace gate
