#include "rules/code/secrets/gitleaks_config.hpp"

#include <spdlog/spdlog.h>

#include <cctype>
#include <cmath>
#include <set>

#include "gate/types/errors.hpp"
#include "rules/code/secrets/catalogue.hpp"
#include "rules/code/secrets/gitleaks_toml.hpp"

namespace gate::secrets {

using namespace toml_access;

namespace {

constexpr int kMaxExtendDepth = 2;  // as gitleaks

// gitleaks matches each pattern against the fragment as a whole, so any pattern that can
// consume a line break (`\s`, `\n`, a negated class, `[\s\S-]`, `(?s).`, `\D`, `\W`, ...) may
// match across lines there: such rules are confirmed on the whole text, not line by line.
bool spans_lines(const std::string& regex) {
  bool in_class = false;
  for (size_t i = 0; i < regex.size(); ++i) {
    const char c = regex[i];
    if (c == '\\' && i + 1 < regex.size()) {
      const char escaped = regex[++i];
      if (escaped == 's' || escaped == 'n' || escaped == 'D' || escaped == 'W' || escaped == 'P' ||
          escaped == 'v') {
        return true;
      }
      if (escaped == 'x' && regex.compare(i + 1, 2, "0a") == 0) return true;
      if (escaped == 'x' && regex.compare(i + 1, 2, "0A") == 0) return true;
      continue;
    }
    if (!in_class && c == '[') {
      in_class = true;
      if (i + 1 < regex.size() && regex[i + 1] == '^') return true;
      if (i + 1 < regex.size() && regex[i + 1] == ']') ++i;  // `[]...]`: a literal ']'
      continue;
    }
    if (in_class && c == ']') in_class = false;
    if (!in_class && c == '(' && regex.compare(i, 3, "(?s") == 0) return true;
    if (!in_class && c == '(' && regex.compare(i + 1, 1, "?") == 0) {
      // flag groups such as (?is) or (?i:s...): look for 's' among the flags
      size_t j = i + 2;
      while (j < regex.size() && std::isalpha(static_cast<unsigned char>(regex[j]))) {
        if (regex[j] == 's') return true;
        ++j;
      }
    }
  }
  return false;
}

SecretRuleSpec parse_rule(const std::string& file, const toml::node& node, size_t index) {
  const std::string context = "rules[" + std::to_string(index) + "]";
  const toml::table* table = node.as_table();
  if (!table) fail(file, node, context + " must be a table ([[rules]])");
  check_keys(file, *table, context,
             {"id", "description", "regex", "secretGroup", "entropy", "keywords", "path", "tags",
              "allowlist", "allowlists", "skipReport"});
  SecretRuleSpec rule;
  rule.origin_file = file;
  rule.origin_line = static_cast<uint32_t>(node.source().begin.line);
  const toml::node* id = table->get("id");
  if (!id) fail(file, node, context + " has no id", "add id = \"my-token\"");
  rule.id = string_value(file, *id, context + ".id");
  if (rule.id.empty()) fail(file, *id, context + ".id is empty");
  const std::string named = "rule '" + rule.id + "'";
  if (auto* n = table->get("description"))
    rule.description = string_value(file, *n, named + " description");
  if (auto* n = table->get("regex")) rule.regex = string_value(file, *n, named + " regex");
  if (auto* n = table->get("path")) rule.path_regex = string_value(file, *n, named + " path");
  if (rule.regex.empty() && rule.path_regex.empty()) {
    fail(file, node, named + " has neither a regex nor a path",
         "add regex = '''...''' (and/or path = '''...''')");
  }
  if (auto* n = table->get("secretGroup")) {
    if (!n->is_integer()) fail(file, *n, named + " secretGroup must be an integer");
    int64_t group = *n->value<int64_t>();
    if (group < 0 || group > 100) fail(file, *n, named + " secretGroup must be between 0 and 100");
    if (rule.regex.empty()) fail(file, *n, named + " has a secretGroup but no regex");
    rule.secret_group = static_cast<int>(group);
  }
  if (auto* n = table->get("entropy")) {
    if (!n->is_number()) fail(file, *n, named + " entropy must be a number");
    double entropy =
        n->is_integer() ? static_cast<double>(*n->value<int64_t>()) : *n->value<double>();
    if (!std::isfinite(entropy) || entropy < 0 || entropy > 8) {
      fail(file, *n, named + " entropy must be between 0 and 8 (bits per byte)");
    }
    rule.entropy = entropy;
  }
  if (auto* n = table->get("keywords")) {
    for (std::string keyword : string_list(file, *n, named + " keywords")) {
      if (keyword.empty()) fail(file, *n, named + " has an empty keyword");
      for (char& c : keyword) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      rule.keywords.push_back(std::move(keyword));
    }
  }
  if (auto* n = table->get("tags")) (void)string_list(file, *n, named + " tags");
  if (auto* n = table->get("skipReport")) {
    if (bool_value(file, *n, named + " skipReport")) {
      fail(file, *n, named + " uses skipReport, which only serves gitleaks composite rules",
           "Gate does not support composite rules: remove the rule or skipReport");
    }
  }
  rule.allowlists = parse_allowlists(file, *table, named, false);
  rule.multiline = spans_lines(rule.regex);
  // Imported rules keep gitleaks' semantics: its own allowlists decide what is an example.
  rule.skip_placeholders = false;
  return rule;
}

void parse_extend(const std::string& file, const toml::node& node, GitleaksConfig& config) {
  const toml::table* table = node.as_table();
  if (!table) fail(file, node, "[extend] must be a table");
  check_keys(file, *table, "[extend]", {"useDefault", "path", "url", "disabledRules"});
  if (auto* n = table->get("url")) {
    fail(file, *n, "[extend] url is not supported: Gate reads nothing from the network",
         "commit the extended configuration to the repository and use [extend] path");
  }
  if (auto* n = table->get("useDefault"))
    config.use_default = bool_value(file, *n, "[extend] useDefault");
  if (auto* n = table->get("path")) {
    config.extend_path = string_value(file, *n, "[extend] path");
    config.extend_line = static_cast<uint32_t>(n->source().begin.line);
    if (config.extend_path->empty()) fail(file, *n, "[extend] path is empty");
  }
  if (config.use_default && config.extend_path) {
    fail(file, node, "[extend] has both useDefault and path", "extend one of them");
  }
  if (auto* n = table->get("disabledRules")) {
    config.disabled_rules = string_list(file, *n, "[extend] disabledRules");
  }
}

ResolvedConfig resolve(const std::string& file, const ConfigReader& read, int depth) {
  std::optional<std::string> text = read(file);
  if (!text) {
    throw InputError(file, 0, 0, "gitleaks configuration not found in the base revision",
                     "commit it to the target branch first: the configuration that judges a "
                     "change comes from the base revision, like the policy");
  }
  GitleaksConfig config = parse_gitleaks_config(*text, file);
  ResolvedConfig resolved;
  resolved.rules = std::move(config.rules);
  resolved.allowlists = std::move(config.allowlists);

  std::vector<SecretRuleSpec> extended;
  std::vector<Allowlist> extended_allowlists;
  if (config.use_default) {
    extended = builtin_catalogue();
  } else if (config.extend_path) {
    if (depth >= kMaxExtendDepth) {
      throw InputError(
          file, config.extend_line, 0,
          "[extend] path goes deeper than " + std::to_string(kMaxExtendDepth) + " levels",
          "flatten the chain of extended configurations");
    }
    ResolvedConfig parent = resolve(*config.extend_path, read, depth + 1);
    extended = std::move(parent.rules);
    extended_allowlists = std::move(parent.allowlists);
  }
  std::set<std::string> own_ids;
  for (const auto& rule : resolved.rules) own_ids.insert(rule.id);
  std::set<std::string> disabled(config.disabled_rules.begin(), config.disabled_rules.end());
  std::set<std::string> seen_disabled;
  for (auto& rule : extended) {
    if (disabled.count(rule.id)) {
      seen_disabled.insert(rule.id);
      continue;
    }
    if (own_ids.count(rule.id)) continue;
    resolved.rules.push_back(std::move(rule));
  }
  for (const auto& id : disabled) {
    if (!seen_disabled.count(id)) {
      spdlog::warn(
          "{}: [extend] disabledRules names '{}', which the extended rule set does not "
          "have (Gate's built-in ids differ from gitleaks' in places)",
          file, id);
    }
  }
  for (auto& list : extended_allowlists) resolved.allowlists.push_back(std::move(list));
  if (resolved.rules.empty()) {
    throw InputError(file, 1, 1, "the configuration defines no rules",
                     "add [[rules]] or [extend] useDefault = true");
  }
  return resolved;
}

}  // namespace

GitleaksConfig parse_gitleaks_config(std::string_view text, const std::string& file) {
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& error) {
    const auto& begin = error.source().begin;
    throw InputError(file, static_cast<uint32_t>(begin.line), static_cast<uint32_t>(begin.column),
                     "invalid TOML: " + std::string(error.description()),
                     "gitleaks configurations are TOML v1.0");
  }
  check_keys(file, root, "top level",
             {"title", "description", "minVersion", "extend", "rules", "allowlist", "allowlists"});
  GitleaksConfig config;
  if (auto* n = root.get("title")) (void)string_value(file, *n, "title");
  if (auto* n = root.get("description")) (void)string_value(file, *n, "description");
  if (auto* n = root.get("minVersion")) (void)string_value(file, *n, "minVersion");
  if (auto* n = root.get("extend")) parse_extend(file, *n, config);
  if (auto* n = root.get("rules")) {
    const toml::array* rules = n->as_array();
    if (!rules) fail(file, *n, "rules must be an array of tables ([[rules]])");
    std::set<std::string> ids;
    size_t index = 0;
    for (const auto& element : *rules) {
      SecretRuleSpec rule = parse_rule(file, element, index++);
      if (!ids.insert(rule.id).second) {
        fail(file, element, "rule '" + rule.id + "' is defined twice", "give each rule its own id");
      }
      config.rules.push_back(std::move(rule));
    }
  }
  config.allowlists = parse_allowlists(file, root, "global", true);
  return config;
}

ResolvedConfig load_gitleaks_config(const std::string& file, const ConfigReader& read) {
  return resolve(file, read, 0);
}

}  // namespace gate::secrets
