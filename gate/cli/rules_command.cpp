// `gate rules` lists every rule type; `gate explain ID` explains a policy rule id or a rule type.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "gate/cli/commands.hpp"
#include "gate/engine/policy_loader.hpp"
#include "gate/types/errors.hpp"
#include "gate/types/file_read.hpp"
#include "rules/registry.hpp"

namespace gate::cli {

namespace {

std::string indent(const std::string& text, const std::string& prefix) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) out += prefix + line + "\n";
  return out;
}

std::string describe_type(const rules::RuleType& type) {
  std::string out = type.name + " (" + type.family + (type.security ? ", security" : "") + ")\n";
  out += "  " + type.summary + "\n";
  if (!type.parameters.empty()) {
    out += "  parameters:\n";
    for (const auto& p : type.parameters) {
      out += "    " + p.name + " (" + p.type + (p.required ? ", required" : "") +
             "): " + p.description + "\n";
    }
  }
  out +=
      "  common keys: id, type, severity (error|warning|notice), description, assets, paths, "
      "exclude\n";
  if (!type.example.empty()) out += "  example:\n" + indent(type.example, "    ");
  out += "  docs: docs/rules/" + type.name + ".md\n";
  return out;
}

struct ExplainOptions {
  std::string id;
  std::string repo = ".";
  std::optional<std::string> policy;
};

// The policy whose rule ids `explain` knows: --policy, else the working tree's .gate/policy.yaml,
// else the built-in default. (Only `gate check` insists on the base revision's policy.)
Policy policy_for_explain(const ExplainOptions& options, std::string& where) {
  std::filesystem::path path = options.policy ? std::filesystem::path(*options.policy)
                                              : std::filesystem::path(options.repo) / kPolicyPath;
  if (auto text = try_read_file(path)) {
    where = path.string();
    return parse_policy(*text, path.string());
  }
  if (options.policy) {
    throw InputError(*options.policy, 0, 0, "cannot read the policy file", "check the path");
  }
  where = "built-in default policy";
  return default_policy();
}

std::string explain(const ExplainOptions& options) {
  std::string where;
  Policy policy = policy_for_explain(options, where);
  for (const auto& rule : policy.rules) {
    if (rule.id != options.id) continue;
    std::string out = "Rule " + rule.id + " (" + where;
    if (rule.line > 0) out += ":" + std::to_string(rule.line);
    out += ")\n";
    out += "  type: " + rule.type + "\n";
    out +=
        "  severity: " + std::string(to_string(rule.severity)) +
        (rule.severity == Severity::error ? " (blocks the merge)" : " (reported, never blocks)") +
        "\n";
    if (!rule.description.empty()) out += "  description: " + rule.description + "\n";
    auto join = [](const std::vector<std::string>& items) {
      std::string text;
      for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
      return text;
    };
    if (!rule.scope.assets.empty()) out += "  assets: " + join(rule.scope.assets) + "\n";
    if (!rule.scope.paths.empty()) out += "  paths: " + join(rule.scope.paths.patterns()) + "\n";
    if (!rule.scope.exclude.empty()) {
      out += "  exclude: " + join(rule.scope.exclude.patterns()) + "\n";
    }
    if (rule.scope.assets.empty() && rule.scope.paths.empty()) out += "  applies to: every file\n";
    if (const auto* type = rules::registry().find(rule.type)) {
      out += "\nRule type " + describe_type(*type);
    }
    return out;
  }
  if (const auto* type = rules::registry().find(options.id))
    return "Rule type " + describe_type(*type);
  std::string ids;
  for (const auto& rule : policy.rules) ids += (ids.empty() ? "" : ", ") + rule.id;
  throw InputError("'" + options.id + "' is neither a rule id of " + where + " nor a rule type",
                   (ids.empty() ? std::string("the policy has no rules") : "rule ids: " + ids) +
                       "; `gate rules` lists the rule types");
}

}  // namespace

void add_rules_command(CLI::App& app, int& exit_code) {
  auto family = std::make_shared<std::string>();
  CLI::App* rules = app.add_subcommand(
      "rules", "List every rule type with its parameters and an example policy entry");
  rules->add_option("--family", *family, "Only this family (code, data, model, process)");
  rules->callback([family, &exit_code] {
    std::string out;
    size_t listed = 0;
    for (const auto& type : rules::registry().types()) {
      if (!family->empty() && type.family != *family) continue;
      out += (listed++ ? "\n" : "") + describe_type(type);
    }
    if (listed == 0) {
      throw InputError("no rule type in family '" + *family + "'",
                       "families: code, data, model, process");
    }
    std::cout << out;
    exit_code = 0;
  });

  auto options = std::make_shared<ExplainOptions>();
  CLI::App* explain_cmd = app.add_subcommand(
      "explain", "Explain a rule of the policy (by id) or a rule type: what it checks and why");
  explain_cmd->add_option("RULE-ID", options->id, "A policy rule id or a rule type")->required();
  explain_cmd->add_option("--repo", options->repo, "Repository whose .gate/policy.yaml to read")
      ->capture_default_str();
  explain_cmd->add_option("--policy", options->policy, "Policy file to read rule ids from");
  explain_cmd->callback([options, &exit_code] {
    std::cout << explain(*options);
    exit_code = 0;
  });
}

}  // namespace gate::cli
