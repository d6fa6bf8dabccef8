#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gate/types/severity.hpp"

namespace gate {

// A finding is a plain value every reporter renders. Rules fill in what they judged; the engine
// fills in rule_id, rule_type and the fingerprint.
struct Finding {
  std::string rule_id;
  std::string rule_type;
  Severity severity = Severity::error;
  std::string path;         // repository-relative, '/'-separated; empty for change-wide findings
  uint32_t start_line = 0;  // 1-based; 0 when the finding is about the whole file
  uint32_t end_line = 0;
  uint32_t column = 0;  // 1-based; 0 when unknown
  std::string message;  // one line, already redacted
  // What identifies the finding independently of where it sits in the file (e.g. the hash of the
  // matched text, or the rule parameter violated). The engine hashes it with rule id and path into
  // `fingerprint`, so the fingerprint is stable when lines shift.
  std::string fingerprint_basis;
  std::string fingerprint;  // set by the engine: lowercase hex SHA-256
  // Set when a waiver or ignore entry accepted the finding: it is still reported, never hidden.
  std::optional<std::string> waived_by;
  bool security = false;  // a security finding (secrets, unsafe serialization, PII)
};

// Total order used for every report: deterministic output for the same inputs.
bool finding_less(const Finding& a, const Finding& b);
void sort_findings(std::vector<Finding>& findings);

}  // namespace gate
