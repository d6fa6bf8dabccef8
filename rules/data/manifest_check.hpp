#pragma once

#include <string>
#include <vector>

#include "gate/types/rule.hpp"
#include "rules/data/dvc_manifest.hpp"

namespace gate::data {

// One output or dependency of a manifest, with the repository path it names (the manifest's
// folder and `wdir` applied).
struct TrackedPath {
  std::string manifest;  // path of the .dvc or dvc.lock
  DvcEntry entry;
  std::string data_path;    // normalised repository path of the data
  bool dependency = false;  // a stage's dependency rather than an output
};

// Compares the data a manifest entry names with what it records, when the data is here: in the
// repository at the head revision or, with a workspace, checked out. Files: size and md5. Folders
// (`.dir`): the listing object from the DVC cache when present (its md5, then each listed file's
// md5, missing and unlisted files), else the listing computed from the folder as DVC computes
// it; size and nfiles. Findings go on the manifest at the entry's line. `head_paths` is the
// sorted file list of the head tree.
void verify_tracked(const RuleContext& context, const TrackedPath& tracked,
                    const std::vector<std::string>& head_paths, RuleResult& result);

}  // namespace gate::data
