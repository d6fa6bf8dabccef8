#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gate::cli {

// `gate policy test DIR`: each folder of DIR holding an expected.yaml is a case (a small
// repository change and the verdict and findings the policy must give it; docs/policy-testing.md).
struct PolicyTestOptions {
  std::filesystem::path cases_dir;
  std::filesystem::path policy = ".gate/policy.yaml";
  std::string filter;  // only cases whose name contains it
  int64_t now = 0;
};

struct CaseOutcome {
  std::string name;
  bool passed = false;
  std::vector<std::string> disagreements;  // what differed, for people
};

// Runs every case. Throws InputError (exit 2) for a malformed case or policy; a case whose
// judgement differs from its expectation is a failed CaseOutcome, not an exception.
std::vector<CaseOutcome> run_policy_tests(const PolicyTestOptions& options);

}  // namespace gate::cli
