// `gate policy validate [FILE]` and `gate policy test DIR`: policy as code, checked and tested
// before it is merged.
#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "gate/cli/commands.hpp"
#include "gate/cli/policy_test.hpp"
#include "gate/engine/policy_loader.hpp"
#include "gate/types/errors.hpp"
#include "gate/types/file_read.hpp"

namespace gate::cli {

namespace {

std::string plural(size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

int validate(const std::string& file) {
  std::string text = read_file_or_throw(
      file, "cannot read the policy file",
      "run in the repository root or name the file: gate policy validate FILE");
  Policy policy = parse_policy(text, file);  // InputError: file:line:col, exit 2
  std::cout << file << ": valid policy (" << plural(policy.rules.size(), "rule") << ", "
            << policy.assets.size()
            << (policy.assets.size() == 1 ? " asset class" : " asset classes") << ")\n";
  return 0;
}

int test(const PolicyTestOptions& options) {
  std::vector<CaseOutcome> outcomes = run_policy_tests(options);
  size_t failed = 0;
  for (const auto& outcome : outcomes) {
    std::cout << (outcome.passed ? "PASS  " : "FAIL  ") << outcome.name << "\n";
    for (const auto& line : outcome.disagreements) std::cout << "      " << line << "\n";
    failed += outcome.passed ? 0 : 1;
  }
  std::cout << plural(outcomes.size(), "case") << ": " << outcomes.size() - failed << " passed, "
            << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace

void add_policy_command(CLI::App& app, int& exit_code) {
  CLI::App* policy = app.add_subcommand("policy", "Validate and test a Gate policy");
  policy->require_subcommand(1);

  auto file = std::make_shared<std::string>(kPolicyPath);
  CLI::App* validate_cmd = policy->add_subcommand(
      "validate", "Check a policy file: exit 0 when valid, 2 with file:line:col errors when not");
  validate_cmd->add_option("FILE", *file, "Policy file")->capture_default_str();
  validate_cmd->callback([file, &exit_code] { exit_code = validate(*file); });

  auto options = std::make_shared<PolicyTestOptions>();
  CLI::App* test_cmd = policy->add_subcommand(
      "test",
      "Run the policy's test cases (docs/policy-testing.md): each case folder holds base/ and "
      "head/ trees and an expected.yaml. Exit 0 when all agree, 1 when a case disagrees, 2 for "
      "a malformed case or policy");
  test_cmd->add_option("DIR", options->cases_dir, "Folder of case folders")->required();
  test_cmd->add_option("--policy", options->policy, "The policy under test")->capture_default_str();
  test_cmd->add_option("--run", options->filter, "Only cases whose name contains this text");
  test_cmd->callback([options, &exit_code] {
    options->now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
    exit_code = test(*options);
  });
}

}  // namespace gate::cli
