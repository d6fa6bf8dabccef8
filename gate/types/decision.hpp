#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/types/ci_context.hpp"
#include "gate/types/evidence.hpp"
#include "gate/types/finding.hpp"
#include "gate/types/inventory.hpp"
#include "gate/types/severity.hpp"

namespace gate {

// How a policy rule came out of a run. A rule that cannot evaluate stops the run (exit 2), so it
// has no status of its own.
enum class RuleStatus { pass, fail, skipped };
// pass: no unwaived error finding. fail: at least one.
enum class Verdict { pass, fail };
// enforce: a failing verdict blocks (exit 1). warn: reported only (exit 0).
enum class Mode { enforce, warn };

std::string_view to_string(RuleStatus status);
std::string_view to_string(Verdict verdict);
std::string_view to_string(Mode mode);
std::optional<Mode> parse_mode(std::string_view text);

struct RuleOutcome {
  std::string id;
  std::string type;
  std::string family;   // code, data, model, process (from the registry)
  std::string summary;  // the rule type's one-line summary; empty when the type is not built in
  std::string description;
  Severity severity = Severity::error;
  RuleStatus status = RuleStatus::pass;
  std::string reason;   // why skipped
  size_t findings = 0;  // unwaived findings
  size_t waived = 0;
  bool security = false;
  std::string record;  // what the rule measured, kept in the signed decision (JSON object text)
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

// What one run decided: the value every reporter renders and the attestation records. Built
// once per run by the judge; deterministic for the same inputs.
struct Decision {
  std::string tool_version;
  CiContext context;
  std::string repository_path;
  std::string base;
  std::string head;
  std::string merge_base;
  std::string base_source;  // "--base", "GITHUB_EVENT_PATH pull_request.base.sha", "origin/HEAD"...
  std::string head_source;
  PolicySummary policy;
  Mode mode = Mode::enforce;
  Verdict verdict = Verdict::pass;
  int exit_code = 0;
  size_t files_changed = 0;
  size_t commits = 0;
  size_t rename_limit_needed = 0;  // see ChangeSet: nonzero when rename detection was bounded
  std::vector<RuleOutcome> rules;  // in policy order
  std::vector<Finding> findings;   // sorted (finding_less)
  std::vector<WaiverRecord> waivers;
  // The pull or merge request a commit on the default branch landed from
  // (docs/ci.md#merge-methods).
  std::optional<Landing> landing;
  Inventory inventory;  // the datasets and models the change touched (gathered, not judged)

  size_t count(Severity severity, bool include_waived = false) const;
  size_t waived_count() const;
};

// Where the signed record of a decision went, for the reports that mention it.
struct AttestationRef {
  std::string location;  // the attestation file, else `<log>#<entry>`; empty: only a git note
  std::string sha256;    // of the envelope bytes
};

}  // namespace gate
