#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "gate/types/decision.hpp"
#include "gate/types/blob_source.hpp"
#include "gate/types/changeset.hpp"
#include "gate/types/evidence.hpp"
#include "gate/types/finding.hpp"
#include "gate/types/policy.hpp"

namespace gate {

struct Evaluation {
  std::vector<RuleOutcome> outcomes;  // policy order
  std::vector<Finding> findings;      // sorted, fingerprints set
};

struct EvaluateOptions {
  std::optional<std::filesystem::path> workdir;
  int64_t now = 0;
  unsigned threads = 0;  // 0: one per core
};

// Runs every rule of the policy over the change (rules in parallel, results merged in policy
// order). Throws RuleError naming the rule when one cannot evaluate.
Evaluation evaluate_policy(const Policy& policy, const ChangeSet& change, const BlobSource& blobs,
                           const Evidence& evidence, const EvaluateOptions& options);

// Recounts rule outcomes after waivers changed findings.
void recount_outcomes(Evaluation& evaluation);

// The one place a decision is completed: fingerprints any finding still lacks, sorts findings,
// recounts every rule outcome and sets verdict and exit code from the unwaived error findings.
void finalize(Decision& decision);

// lowercase hex SHA-256 of rule id, path and basis: stable when lines shift.
std::string fingerprint_of(const Finding& finding);

}  // namespace gate
