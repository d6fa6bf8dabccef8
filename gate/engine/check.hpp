#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "gate/engine/context.hpp"
#include "gate/engine/forge/forge_approvals.hpp"
#include "gate/engine/git.hpp"
#include "gate/engine/git_blob_source.hpp"
#include "gate/types/changeset.hpp"
#include "gate/types/decision.hpp"
#include "gate/types/evidence.hpp"
#include "gate/types/inventory.hpp"
#include "gate/types/policy.hpp"

namespace gate {

struct CheckRequest {
  std::string repo = ".";
  std::optional<std::string> base;  // flags win over the CI context
  std::optional<std::string> head;
  std::optional<std::string> policy_file;     // --policy: local trial, reported as such
  std::optional<std::string> approvals_file;  // wins over the forge's API when given
  forge::ForgeAccess forge;                   // where the approvals are read from otherwise
  forge::HttpClient* http = nullptr;          // null: libcurl
  Mode mode = Mode::enforce;
  CiContext context;
  int64_t now = 0;  // seconds since the epoch, read once at the edge
  unsigned threads = 0;
  // Text files larger than this are judged without a line diff (rules stream them instead).
  uint64_t max_diff_bytes = 64ull << 20;
};

// Everything a judgement reads, gathered before judging.
struct CheckInputs {
  git::Repository repo;
  std::string repository_path;  // the work tree, else the git dir of a bare repository
  std::optional<std::filesystem::path> workdir;
  std::string base_source;
  std::string head_source;
  Policy policy;
  ChangeSet change;
  std::unique_ptr<GitBlobSource> blobs;
  Evidence evidence;
  Inventory inventory;  // what the decision records of the datasets and models changed
};

// The only I/O before judging: resolves the revisions, reads the policy from the base revision
// (failing fast, before the change set), builds the change set and loads the evidence. Throws
// InputError (exit 2) for unusable input.
CheckInputs gather(const CheckRequest& request);

// Runs the rules, applies waivers and decides (engine/engine.hpp finalize). Reads blobs through
// `inputs.blobs` only. Throws RuleError when a rule cannot judge.
Decision judge(const CheckRequest& request, const CheckInputs& inputs);

// gather then judge. `repository` receives the opened repository for the commit stage.
Decision run_check(const CheckRequest& request, git::Repository* repository = nullptr);

}  // namespace gate
