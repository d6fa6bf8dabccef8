#include "gate/engine/dvc_lineage.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "gate/types/errors.hpp"
#include "rules/data/dataset_index.hpp"
#include "rules/data/dvc_manifest.hpp"

namespace gate {

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool is_pipeline(std::string_view path) {
  return data::is_dvc_lock(path) || path == "dvc.yaml" || ends_with(path, "/dvc.yaml");
}

// The path of one `deps:` or `outs:` item: `- path` (dvc.yaml), `- path: x` (dvc.lock) or
// `- x: {cache: false}` (dvc.yaml with options). Empty for anything else, and for templates DVC
// fills in at run time.
std::string entry_path(const YAML::Node& item) {
  std::string path;
  if (item.IsScalar()) {
    path = item.Scalar();
  } else if (item.IsMap()) {
    if (const YAML::Node p = item["path"]; p && p.IsScalar()) {
      path = p.Scalar();
    } else if (item.size() == 1 && item.begin()->first.IsScalar()) {
      path = item.begin()->first.Scalar();
    }
  }
  return path.find("${") == std::string::npos ? path : std::string();
}

std::vector<std::string> entry_paths(const YAML::Node& stage, const char* key,
                                     const std::string& folder) {
  std::vector<std::string> out;
  const YAML::Node list = stage[key];
  if (!list || !list.IsSequence()) return out;
  for (const YAML::Node& item : list) {
    std::string path = entry_path(item);
    if (path.empty() || path.find("://") != std::string::npos) continue;
    if (auto normal = data::normalize_path(data::join_path(folder, path))) {
      out.push_back(std::move(*normal));
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> moved_folder(const std::string& folder, const std::string& wdir) {
  // normalize_path refuses the root itself: normalise a path inside the folder instead.
  auto inside = data::normalize_path(data::join_path(data::join_path(folder, wdir), "x"));
  if (!inside) return std::nullopt;
  return data::parent_folder(*inside);
}

void PipelineIndex::add(const std::string& path, std::string_view text,
                        const std::map<std::string, std::string>& wdirs) {
  if (text.size() > data::kMaxManifestBytes) return;
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap()) return;
    // dvc.yaml and dvc.lock 2.0+ keep their stages under `stages:`; dvc.lock 1.0 at the top.
    YAML::Node stages = root["stages"] ? root["stages"] : root;
    if (!stages.IsMap() || stages.size() > data::kMaxManifestEntries) return;
    for (const auto& stage : stages) {
      if (!stage.first.IsScalar() || !stage.second.IsMap()) continue;
      std::string name = stage.first.Scalar();
      // A `foreach` or `matrix` stage is named "stage@key" in dvc.lock; its wdir is the stage's.
      auto wdir = wdirs.find(name);
      if (wdir == wdirs.end()) wdir = wdirs.find(name.substr(0, name.find('@')));
      std::string folder = data::parent_folder(path);
      if (wdir != wdirs.end() && !wdir->second.empty() && wdir->second != ".") {
        if (wdir->second.find("${") != std::string::npos || wdir->second[0] == '/') continue;
        auto moved = moved_folder(folder, wdir->second);
        if (!moved) continue;
        folder = *moved;
      }
      std::vector<std::string> deps = entry_paths(stage.second, "deps", folder);
      if (deps.size() > kMaxInventoryList) deps.resize(kMaxInventoryList);
      for (auto& out : entry_paths(stage.second, "outs", folder)) {
        // A dvc.lock, read first, wins over the dvc.yaml beside it.
        outputs_.emplace(std::move(out), Lineage{path, name, deps});
      }
    }
  } catch (const YAML::Exception&) {
    // DVC's files are the data-manifest rule's to judge; an unreadable one gives no lineage.
  }
}

PipelineIndex PipelineIndex::load(const BlobSource& blobs, Tree tree) {
  PipelineIndex index;
  std::vector<std::string> pipelines;
  for (const auto& path : blobs.list(tree)) {
    if (is_pipeline(path)) pipelines.push_back(path);
  }
  // dvc.lock before dvc.yaml: "dvc.lock" sorts before "dvc.yaml" in the same folder.
  std::sort(pipelines.begin(), pipelines.end());
  if (pipelines.size() > kMaxPipelines) pipelines.resize(kMaxPipelines);
  for (const auto& path : pipelines) {
    std::string folder = data::parent_folder(path);
    std::map<std::string, std::string> wdirs;
    try {
      auto yaml = blobs.read(tree, data::join_path(folder, "dvc.yaml"), data::kMaxManifestBytes);
      if (yaml) wdirs = data::parse_stage_wdirs(*yaml);
      auto text = blobs.read(tree, path, data::kMaxManifestBytes);
      if (text) index.add(path, *text, wdirs);
    } catch (const RuleError&) {
      // Over the size limit: no lineage from it.
    }
  }
  return index;
}

std::optional<Lineage> PipelineIndex::lineage_of(const std::string& path) const {
  if (auto it = outputs_.find(path); it != outputs_.end()) return it->second;
  // A tracked folder outputs every file below it.
  for (size_t slash = path.rfind('/'); slash != std::string::npos && slash > 0;
       slash = path.rfind('/', slash - 1)) {
    if (auto it = outputs_.find(path.substr(0, slash)); it != outputs_.end()) return it->second;
  }
  return std::nullopt;
}

}  // namespace gate
