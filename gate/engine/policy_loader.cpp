#include "gate/engine/policy_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <set>

#include "gate/types/errors.hpp"
#include "gate/types/params.hpp"
#include "gate/types/redact.hpp"
#include "rules/registry.hpp"

namespace gate {

namespace {

constexpr const char* kCommonRuleKeys = "id, type, severity, description, assets, paths, exclude";

GlobList globs_at(const Params& params, const std::string& key) {
  std::vector<std::string> patterns = params.string_list(key);
  try {
    return GlobList(patterns);
  } catch (const std::invalid_argument& e) {
    params.fail(key, e.what(),
                "write gitignore-style globs relative to the repository root, "
                "e.g. \"src/**\" or \"**/*.pem\"");
  }
}

void validate_id(const Params& params, const std::string& id) {
  bool ok = !id.empty();
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      ok = false;
  }
  if (!ok) {
    params.fail("id", "'" + id + "' is not a valid rule id",
                "use letters, digits, '-', '_' and '.', e.g. no-private-keys");
  }
}

std::vector<AssetClass> read_assets(const Params& top) {
  std::vector<AssetClass> assets;
  auto section = top.optional_child("assets");
  if (!section) return assets;
  for (const std::string& name : section->keys()) {
    if (name == "other") {
      section->fail(name, "is reserved for files that match no asset class", "choose another name");
    }
    Params asset = section->child(name);
    AssetClass cls;
    cls.name = name;
    if (!asset.has("paths")) asset.fail("paths", "is required", "e.g. paths: [\"data/**\"]");
    cls.paths = globs_at(asset, "paths");
    cls.owners = asset.string_list("owners");
    asset.finish();
    assets.push_back(std::move(cls));
  }
  return assets;
}

PolicyRule read_rule(const Params& entry, const Policy& policy, std::set<std::string>& ids) {
  PolicyRule rule;
  rule.line = entry.line();
  rule.id = entry.string("id");
  validate_id(entry, rule.id);
  if (!ids.insert(rule.id).second) {
    entry.fail("id", "'" + rule.id + "' is used by another rule", "rule ids must be unique");
  }
  rule.type = entry.string("type");
  const rules::RuleType* type = rules::registry().find(rule.type);
  if (!type) {
    std::string known;
    for (const auto& t : rules::registry().types()) known += (known.empty() ? "" : ", ") + t.name;
    entry.fail("type", "'" + rule.type + "' is not a known rule type", "known types: " + known);
  }
  std::string severity = entry.string_or("severity", "error");
  auto parsed = parse_severity(severity);
  if (!parsed)
    entry.fail("severity", "'" + severity + "' is not a severity", "use error, warning or notice");
  rule.severity = *parsed;
  rule.description = entry.string_or("description", "");
  rule.scope.assets = entry.string_list("assets");
  for (const auto& name : rule.scope.assets) {
    if (name != "other" && !policy.asset(name)) {
      std::string known;
      for (const auto& a : policy.assets) known += (known.empty() ? "" : ", ") + a.name;
      entry.fail("assets", "names unknown asset class '" + name + "'",
                 known.empty() ? "declare it under `assets:` first"
                               : "declared asset classes: " + known + ", other");
    }
  }
  rule.scope.paths = globs_at(entry, "paths");
  rule.scope.exclude = globs_at(entry, "exclude");
  rule.rule = type->factory(entry, rule);
  return rule;
}

}  // namespace

Policy parse_policy(const std::string& yaml_text, const std::string& display_path) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw InputError(display_path, static_cast<uint32_t>(e.mark.line + 1),
                     static_cast<uint32_t>(e.mark.column + 1), "YAML syntax: " + e.msg,
                     "check indentation and quoting near this position");
  }
  if (!root.IsMap()) {
    throw InputError(display_path, 1, 1, "a policy must be a YAML mapping",
                     "start with `version: 1` and a `rules:` list (see docs/policy.md)");
  }
  Params top(display_path, root, "policy");
  Policy policy;
  policy.path = display_path;
  policy.sha256 = sha256_hex(yaml_text);
  int64_t version = top.integer_or("version", 0);
  if (!top.has("version")) {
    top.fail("", "has no `version`", "add `version: 1` at the top");
  }
  if (version != 1)
    top.fail("version", "must be 1 (the only policy format so far)", "write `version: 1`");
  policy.version = 1;
  policy.owners = top.string_list("owners");
  if (auto teams = top.optional_child("teams")) {
    for (const std::string& team : teams->keys()) policy.teams[team] = teams->string_list(team);
    teams->finish();
  }
  policy.waivers_path = top.string_or("waivers", policy.waivers_path);
  policy.ignore_path = top.string_or("ignore-file", policy.ignore_path);
  policy.assets = read_assets(top);
  std::set<std::string> ids;
  for (const Params& entry : top.children("rules")) {
    policy.rules.push_back(read_rule(entry, policy, ids));
  }
  top.finish();
  return policy;
}

const std::string& default_policy_text() {
  static const std::string text =
      R"(# Gate's built-in policy: applies when the base revision has no .gate/policy.yaml.
version: 1
assets:
  data: { paths: ["data/**", "datasets/**", "**/*.csv", "**/*.tsv", "**/*.parquet", "**/*.jsonl"] }
  model: { paths: ["models/**", "**/*.safetensors", "**/*.onnx", "**/*.pt", "**/*.pth", "**/*.ckpt", "**/*.pkl", "**/*.pickle", "**/*.joblib"] }
rules:
  - id: no-private-keys
    type: forbidden-paths
    severity: error
    description: Private keys, keystores and environment files never belong in a repository.
    paths: ["**/*.pem", "**/*.key", "**/*.p12", "**/*.pfx", "**/*.jks", "**/id_rsa", "**/id_dsa", "**/id_ecdsa", "**/id_ed25519", "**/.env", "**/.env.*", "!**/.env.example", "!**/.env.sample", "!**/.env.template"]
  - id: no-secrets
    type: secrets
    severity: error
    description: Credentials in added lines (the built-in catalogue of credential formats).
  - id: no-large-files
    type: max-file-size
    severity: error
    description: Keep large files out of git; track them with DVC or Git LFS.
    limit: 10MB
    exclude: ["**/*.lfs"]
)";
  return text;
}

Policy default_policy() {
  Policy policy = parse_policy(default_policy_text(), "built-in default policy");
  policy.source = "built-in default";
  return policy;
}

}  // namespace gate
