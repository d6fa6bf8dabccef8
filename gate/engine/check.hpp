#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "gate/engine/context.hpp"
#include "gate/engine/git.hpp"
#include "gate/report/report.hpp"

namespace gate {

struct CheckRequest {
  std::string repo = ".";
  std::optional<std::string> base;  // flags win over the CI context
  std::optional<std::string> head;
  std::optional<std::string> policy_file;  // --policy: local trial, reported as such
  std::optional<std::string> approvals_file;
  std::string mode = "enforce";  // enforce or warn
  CiContext context;
  int64_t now = 0;  // seconds since the epoch, read once at the edge
  unsigned threads = 0;
  // Text files larger than this are judged without a line diff (rules stream them instead).
  uint64_t max_diff_bytes = 64ull << 20;
};

// The whole judgement of `gate check` short of writing anything: resolves revisions, reads the
// policy from the base revision, builds the change set, runs the rules, applies waivers and
// decides. Throws InputError (exit 2) for unusable input and RuleError when a rule cannot judge.
// `repository` receives the opened repository for the attestation stage.
Report run_check(const CheckRequest& request, git::Repository* repository = nullptr);

}  // namespace gate
