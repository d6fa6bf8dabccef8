#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "gate/types/blob_source.hpp"
#include "gate/types/inventory.hpp"

namespace gate {

// What DVC pipelines say produced each of their outputs: for every `outs:` path of every stage
// of a dvc.lock (else its dvc.yaml), the stage and its `deps:` as repository paths.
class PipelineIndex {
 public:
  // Reads every dvc.lock and dvc.yaml of `tree` (at most kMaxPipelines, each of bounded size).
  // Files that cannot be read are left out: the data-manifest rule judges their form.
  static PipelineIndex load(const BlobSource& blobs, Tree tree);

  // Adds the stages of one pipeline file (exposed for tests). `wdirs`: dvc.yaml's stage wdirs.
  void add(const std::string& path, std::string_view text,
           const std::map<std::string, std::string>& wdirs);

  // The stage that outputs `path`, or a folder holding it; nullopt when no pipeline does.
  std::optional<Lineage> lineage_of(const std::string& path) const;

  static constexpr size_t kMaxPipelines = 200;

 private:
  std::map<std::string, Lineage> outputs_;  // output path -> its stage
};

// `folder` moved by a DVC `wdir` ("" is the repository's root); nullopt when it leaves the
// repository.
std::optional<std::string> moved_folder(const std::string& folder, const std::string& wdir);

}  // namespace gate
