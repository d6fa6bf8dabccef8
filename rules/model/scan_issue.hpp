#pragma once

#include <string>
#include <vector>

namespace gate::rules::model {

// What a model file parser found. `blocking` issues take the rule's severity (hostile or
// malformed content, denied callables); the others are warnings (unknown callables, formats
// that can only be partly judged).
struct ScanIssue {
  bool blocking = true;
  std::string message;
  std::string basis;  // stable identity for the fingerprint (no offsets that shift)
};

using ScanIssues = std::vector<ScanIssue>;

}  // namespace gate::rules::model
