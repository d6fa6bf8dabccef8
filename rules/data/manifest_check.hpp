#pragma once

#include <string>
#include <vector>

#include "gate/types/glob.hpp"
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

// What every check of one run shares: the head tree's files (sorted) and the root `.dvcignore`
// (of the head tree, else the workspace), whose files DVC leaves out of folder listings.
struct TrackedTree {
  std::vector<std::string> head_paths;
  GlobList dvcignore;
};
TrackedTree load_tracked_tree(const RuleContext& context);

// Compares the data a manifest entry names with what it records, when the data is here: in the
// repository at the head revision or, with a workspace, checked out. Files: size and md5. Folders
// (`.dir`): the listing object from the DVC cache when present (its md5, then each listed file's
// md5, missing and unlisted files), else the listing computed from the folder as DVC computes
// it; size and nfiles. Findings go on the manifest at the entry's line.
void verify_tracked(const RuleContext& context, const TrackedPath& tracked, const TrackedTree& tree,
                    RuleResult& result);

}  // namespace gate::data
