#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gate/types/blob_source.hpp"
#include "gate/types/changeset.hpp"
#include "gate/types/evidence.hpp"
#include "gate/types/finding.hpp"
#include "gate/types/policy.hpp"

namespace gate {

// Everything a rule may look at. Plain values: rules never read the environment, clock or disk
// except through `blobs` (and `workdir` when the rule documents that it reads the workspace).
struct RuleContext {
  const ChangeSet& change;
  const Policy& policy;
  const PolicyRule& spec;
  const BlobSource& blobs;
  const Evidence& evidence;
  std::optional<std::filesystem::path> workdir;  // the checked-out workspace, if any
  int64_t now = 0;                               // seconds since the epoch, fixed for the whole run

  // Whether a changed file falls in the rule's scope (assets / paths / exclude).
  bool in_scope(const FileChange& file) const;
  bool path_in_scope(const std::string& path) const;

  // A finding with rule id, type, severity and path pre-filled.
  Finding finding(const std::string& path, std::string message) const;
};

struct RuleResult {
  std::vector<Finding> findings;
  // Set when the rule had nothing to judge (no file in scope, ...): reported as "skipped".
  std::optional<std::string> skipped;
  // What the rule measured and the signed decision keeps (a JSON object's text; empty for none),
  // e.g. the profiles data-drift compared: the audit log then holds what the data looked like.
  std::string record;
};

// One configured rule. Constructed by its type's factory from validated parameters; evaluate()
// is const and may run concurrently with other rules.
class Rule {
 public:
  virtual ~Rule() = default;
  // Throws RuleError when it cannot judge (never returns a silent pass).
  virtual RuleResult evaluate(const RuleContext& context) const = 0;
};

}  // namespace gate
