#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "gate/engine/context.hpp"
#include "gate/types/finding.hpp"
#include "gate/types/severity.hpp"

namespace gate {

struct RuleOutcome {
  std::string id;
  std::string type;
  std::string family;  // code, data, model, process (from the registry)
  std::string description;
  Severity severity = Severity::error;
  std::string status;   // pass, fail, skipped, error
  std::string reason;   // why skipped or failed to evaluate
  size_t findings = 0;  // unwaived findings
  size_t waived = 0;
  bool security = false;
};

struct WaiverRecord {
  std::string rule;
  std::vector<std::string> paths;
  std::string fingerprint;
  std::string reason;
  std::string approved_by;
  std::string expires;  // YYYY-MM-DD
  size_t matched = 0;   // findings it accepted in this run
  bool expired = false;
};

struct PolicySummary {
  std::string source;  // "base:<commit>:.gate/policy.yaml", "file:<path>", "built-in default"
  std::string path;
  std::string sha256;
  std::string revision;
  bool overridden = false;
};

// Everything a reporter renders; built once per run. Deterministic for the same inputs.
struct Report {
  std::string tool_version;
  CiContext context;
  std::string repository_path;
  std::string base;
  std::string head;
  std::string merge_base;
  std::string base_source;  // "--base", "GITHUB_EVENT_PATH pull_request.base.sha", "origin/HEAD"...
  std::string head_source;
  PolicySummary policy;
  std::string mode = "enforce";  // enforce or warn
  std::string verdict;           // pass or fail
  int exit_code = 0;
  size_t files_changed = 0;
  size_t commits = 0;
  size_t rename_limit_needed = 0;  // see ChangeSet: nonzero when rename detection was bounded
  std::vector<RuleOutcome> rules;  // in policy order
  std::vector<Finding> findings;   // sorted (finding_less)
  std::vector<WaiverRecord> waivers;
  // Filled by the attestation stage when the decision is signed.
  std::optional<std::string> attestation_path;
  std::optional<std::string> attestation_digest;  // sha256 of the envelope bytes

  size_t count(Severity severity, bool include_waived = false) const;
  size_t waived_count() const;
};

}  // namespace gate
