#include <re2/re2.h>

#include <algorithm>

#include "gate/types/errors.hpp"
#include "rules/code/secrets/gitleaks_toml.hpp"
#include "rules/code/secrets/regex_util.hpp"

namespace gate::secrets::toml_access {

void fail(const std::string& file, const toml::node& at, const std::string& message,
          const std::string& hint) {
  const auto& begin = at.source().begin;
  throw InputError(file, static_cast<uint32_t>(begin.line), static_cast<uint32_t>(begin.column),
                   message, hint);
}

void check_keys(const std::string& file, const toml::table& table, const std::string& context,
                std::initializer_list<const char*> known) {
  for (const auto& [key, value] : table) {
    std::string name(key.str());
    bool ok = std::any_of(known.begin(), known.end(), [&](const char* k) { return name == k; });
    if (ok) continue;
    std::string list;
    for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    fail(file, value, context + ": unknown key '" + name + "'", "known keys: " + list);
  }
}

std::string string_value(const std::string& file, const toml::node& node, const std::string& what) {
  if (!node.is_string()) fail(file, node, what + " must be a string");
  return std::string(*node.value<std::string_view>());
}

std::vector<std::string> string_list(const std::string& file, const toml::node& node,
                                     const std::string& what) {
  const toml::array* array = node.as_array();
  if (!array) fail(file, node, what + " must be an array of strings");
  std::vector<std::string> out;
  for (const auto& element : *array) {
    out.push_back(string_value(file, element, what + " element"));
  }
  return out;
}

bool bool_value(const std::string& file, const toml::node& node, const std::string& what) {
  if (!node.is_boolean()) fail(file, node, what + " must be true or false");
  return *node.value<bool>();
}

namespace {

std::vector<std::shared_ptr<const re2::RE2>> regex_list(const std::string& file,
                                                        const toml::node& node,
                                                        const std::string& what) {
  const toml::array* array = node.as_array();
  if (!array) fail(file, node, what + " must be an array of regex strings");
  std::vector<std::shared_ptr<const re2::RE2>> out;
  for (const auto& element : *array) {
    std::string pattern = string_value(file, element, what + " element");
    std::string error;
    auto regex = compile_regex(pattern, error);
    if (!regex) fail(file, element, what + ": regex does not compile: " + error, regex_hint());
    out.push_back(std::move(regex));
  }
  return out;
}

}  // namespace

Allowlist parse_allowlist(const std::string& file, const toml::node& node,
                          const std::string& context, bool global) {
  const toml::table* table = node.as_table();
  if (!table) fail(file, node, context + " must be a table");
  if (global) {
    check_keys(file, *table, context,
               {"description", "condition", "commits", "paths", "regexTarget", "regexes",
                "stopwords", "targetRules"});
  } else {
    check_keys(
        file, *table, context,
        {"description", "condition", "commits", "paths", "regexTarget", "regexes", "stopwords"});
  }
  Allowlist list;
  list.origin = file + ":" + std::to_string(node.source().begin.line);
  if (auto* n = table->get("description"))
    list.description = string_value(file, *n, context + ".description");
  if (auto* n = table->get("condition")) {
    std::string condition = string_value(file, *n, context + ".condition");
    std::transform(condition.begin(), condition.end(), condition.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (condition != "OR" && condition != "AND") {
      fail(file, *n, context + ".condition must be \"OR\" or \"AND\"");
    }
    list.require_all = condition == "AND";
  }
  if (auto* n = table->get("regexTarget")) {
    std::string target = string_value(file, *n, context + ".regexTarget");
    if (target == "secret") {
      list.target = AllowTarget::secret;
    } else if (target == "match") {
      list.target = AllowTarget::match;
    } else if (target == "line") {
      list.target = AllowTarget::line;
    } else {
      fail(file, *n, context + ".regexTarget must be \"secret\", \"match\" or \"line\"");
    }
  }
  if (auto* n = table->get("commits")) list.commits = string_list(file, *n, context + ".commits");
  if (auto* n = table->get("paths")) list.paths = regex_list(file, *n, context + ".paths");
  if (auto* n = table->get("regexes")) list.regexes = regex_list(file, *n, context + ".regexes");
  if (auto* n = table->get("stopwords")) {
    for (std::string word : string_list(file, *n, context + ".stopwords")) {
      if (word.empty()) fail(file, *n, context + ".stopwords has an empty word");
      for (char& c : word) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      list.stopwords.push_back(std::move(word));
    }
  }
  if (auto* n = table->get("targetRules")) {
    list.target_rules = string_list(file, *n, context + ".targetRules");
  }
  if (list.commits.empty() && list.paths.empty() && list.regexes.empty() &&
      list.stopwords.empty()) {
    fail(file, node, context + " has no criteria",
         "give it regexes, paths, stopwords or commits, or remove it");
  }
  return list;
}

std::vector<Allowlist> parse_allowlists(const std::string& file, const toml::table& table,
                                        const std::string& context, bool global) {
  std::vector<Allowlist> out;
  if (auto* single = table.get("allowlist")) {
    out.push_back(parse_allowlist(file, *single, context + ".allowlist", global));
  }
  if (auto* many = table.get("allowlists")) {
    const toml::array* array = many->as_array();
    if (!array) fail(file, *many, context + ".allowlists must be an array of tables ([[...]])");
    size_t i = 0;
    for (const auto& element : *array) {
      out.push_back(parse_allowlist(file, element,
                                    context + ".allowlists[" + std::to_string(i++) + "]", global));
    }
  }
  return out;
}

}  // namespace gate::secrets::toml_access
