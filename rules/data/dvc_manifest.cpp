#include "rules/data/dvc_manifest.hpp"

#include <yaml-cpp/yaml.h>

#include "rules/data/dataset_index.hpp"

namespace gate::data {

namespace {

uint32_t line_of(const YAML::Node& node) {
  return node.Mark().line >= 0 ? static_cast<uint32_t>(node.Mark().line + 1) : 0;
}

// DVC compares md5s without regard to case (some remotes and old versions wrote uppercase).
bool is_md5(std::string& text) {
  if (text.size() != 32) return false;
  for (char& c : text) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Reads one entry of `outs:` or `deps:`.
void read_entry(const YAML::Node& node, const std::string& where, std::vector<DvcEntry>& out,
                std::vector<ManifestProblem>& problems) {
  uint32_t line = line_of(node);
  if (!node.IsMap()) {
    problems.push_back({line, where + ": each entry must be a mapping with path, md5 and size"});
    return;
  }
  DvcEntry entry;
  entry.line = line;
  const YAML::Node path = node["path"];
  if (!path || !path.IsScalar() || path.Scalar().empty()) {
    problems.push_back({line, where + ": entry has no 'path'"});
    return;
  }
  entry.path = path.Scalar();
  entry.external = node["repo"].IsDefined() || entry.path.find("://") != std::string::npos;
  if (entry.external) {
    // dvc import / import-url: the path is the source's, checked by DVC against the source.
  } else if (!normalize_path(entry.path)) {
    problems.push_back({line_of(path), where + ": path '" + entry.path +
                                           "' is absolute or leaves the repository"});
    return;
  }
  const YAML::Node hash = node["hash"];
  if (hash) {
    if (!hash.IsScalar() || hash.Scalar() != "md5") {
      problems.push_back(
          {line_of(hash), where + ": '" + entry.path + "' has unknown hash kind (expected 'md5')"});
    }
    entry.legacy_hash = false;
  }
  const YAML::Node md5 = node["md5"];
  if (md5) {
    std::string text = md5.IsScalar() ? md5.Scalar() : "";
    if (text.size() > 4 && text.compare(text.size() - 4, 4, ".dir") == 0) {
      entry.directory = true;
      text.resize(text.size() - 4);
    }
    if (md5.IsNull() || text.empty()) {
      // Written before the output was computed: DVC accepts it, there is nothing to verify.
    } else if (!is_md5(text)) {
      problems.push_back(
          {line_of(md5), where + ": md5 of '" + entry.path + "' is not 32 hex digits"});
    } else {
      entry.md5 = text;
    }
  }
  // No md5 is valid DVC too: an output not computed yet, a `dvc import` dependency (its `repo:`
  // pins the source), an import-url one (etag or checksum) and a cloud-versioned output, whose
  // `files:` list carries each file's own etag and version id.
  const YAML::Node size = node["size"];
  if (size) {
    try {
      if (!size.IsScalar() || size.Scalar().empty() || size.Scalar()[0] == '-') throw 0;
      entry.size = size.as<uint64_t>();
    } catch (...) {
      problems.push_back(
          {line_of(size), where + ": size of '" + entry.path + "' is not a byte count"});
    }
  }
  const YAML::Node nfiles = node["nfiles"];
  if (nfiles && nfiles.IsScalar() && !nfiles.Scalar().empty() && nfiles.Scalar()[0] != '-') {
    try {
      entry.nfiles = nfiles.as<uint64_t>();
    } catch (const YAML::Exception&) {
      problems.push_back(
          {line_of(nfiles), where + ": nfiles of '" + entry.path + "' is not a count"});
    }
  }
  out.push_back(std::move(entry));
}

void read_entries(const YAML::Node& parent, const char* key, const std::string& where,
                  bool required, std::vector<DvcEntry>& out,
                  std::vector<ManifestProblem>& problems) {
  const YAML::Node list = parent[key];
  if (!list || list.IsNull()) {
    if (required) problems.push_back({line_of(parent), where + ": no '" + key + "' list"});
    return;
  }
  if (!list.IsSequence()) {
    problems.push_back({line_of(list), where + ": '" + key + "' must be a list"});
    return;
  }
  if (list.size() > kMaxManifestEntries) {
    problems.push_back(
        {line_of(list), where + ": more than " + std::to_string(kMaxManifestEntries) + " entries"});
    return;
  }
  if (required && list.size() == 0) {
    problems.push_back({line_of(list), where + ": '" + key + "' is empty"});
  }
  for (const YAML::Node& item : list) read_entry(item, where + " " + key, out, problems);
}

std::optional<YAML::Node> load(std::string_view text, DvcManifest& manifest) {
  if (text.size() > kMaxManifestBytes) {
    manifest.problems.push_back({0, "manifest is " + std::to_string(text.size()) +
                                        " bytes, over the limit of " +
                                        std::to_string(kMaxManifestBytes)});
    return std::nullopt;
  }
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap()) {
      manifest.problems.push_back({line_of(root), "manifest must be a YAML mapping"});
      return std::nullopt;
    }
    return root;
  } catch (const YAML::Exception& e) {
    manifest.problems.push_back(
        {e.mark.line >= 0 ? static_cast<uint32_t>(e.mark.line + 1) : 0, "invalid YAML: " + e.msg});
    return std::nullopt;
  }
}

void read_meta(const YAML::Node& root, DvcManifest& manifest) {
  const YAML::Node meta = root["meta"];
  if (!meta || meta.IsNull()) return;
  manifest.meta_line = line_of(meta);
  if (!meta.IsMap()) {
    manifest.problems.push_back({line_of(meta), "'meta' must be a mapping"});
    return;
  }
  manifest.has_meta = true;
  for (const auto& item : meta) {
    if (!item.first.IsScalar()) continue;
    const std::string& key = item.first.Scalar();
    if (item.second.IsScalar()) {
      manifest.meta[key] = item.second.Scalar();
    } else if (item.second.IsMap() || item.second.IsSequence()) {
      manifest.meta[key] = item.second.size() > 0 ? "(structured)" : "";
    }
  }
  const YAML::Node pii = meta["pii"];
  if (pii && pii.IsMap() && pii["basis"] && pii["basis"].IsScalar()) {
    manifest.pii_basis = pii["basis"].Scalar();
  }
}

}  // namespace

std::map<std::string, std::string> parse_stage_wdirs(std::string_view text) {
  std::map<std::string, std::string> wdirs;
  if (text.size() > kMaxManifestBytes) return wdirs;
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap()) return wdirs;
    const YAML::Node stages = root["stages"];
    if (!stages || !stages.IsMap() || stages.size() > kMaxManifestEntries) return wdirs;
    for (const auto& stage : stages) {
      if (!stage.first.IsScalar() || !stage.second.IsMap()) continue;
      // A `foreach` stage keeps its definition, wdir included, under `do:`.
      const YAML::Node body =
          stage.second["do"] && stage.second["do"].IsMap() ? stage.second["do"] : stage.second;
      const YAML::Node wdir = body["wdir"];
      if (wdir && wdir.IsScalar()) wdirs[stage.first.Scalar()] = wdir.Scalar();
    }
  } catch (const YAML::Exception&) {
    // dvc.yaml is DVC's to report; without it the stages run in their folder.
  }
  return wdirs;
}

bool is_dvc_file(std::string_view path) {
  return path.size() > 4 && path.substr(path.size() - 4) == ".dvc";
}

bool is_dvc_lock(std::string_view path) {
  return path == "dvc.lock" || (path.size() > 9 && path.substr(path.size() - 9) == "/dvc.lock");
}

DvcManifest parse_dvc_file(std::string_view text) {
  DvcManifest manifest;
  try {
    auto root = load(text, manifest);
    if (!root) return manifest;
    read_entries(*root, "outs", "manifest", true, manifest.outs, manifest.problems);
    read_entries(*root, "deps", "manifest", false, manifest.deps, manifest.problems);
    manifest.has_cmd = (*root)["cmd"].IsDefined();
    if (const YAML::Node wdir = (*root)["wdir"]; wdir && !wdir.IsNull()) {
      if (!wdir.IsScalar()) {
        manifest.problems.push_back({line_of(wdir), "'wdir' must be a path"});
      } else {
        manifest.wdir = wdir.Scalar();
      }
    }
    read_meta(*root, manifest);
  } catch (const YAML::Exception& e) {
    manifest.problems.push_back({0, "unreadable YAML structure: " + e.msg});
  }
  return manifest;
}

DvcManifest parse_dvc_lock(std::string_view text) {
  DvcManifest manifest;
  try {
    auto root = load(text, manifest);
    if (!root) return manifest;
    YAML::Node stages = *root;
    if (const YAML::Node schema = (*root)["schema"]) {
      if (!schema.IsScalar() || (schema.Scalar() != "2.0" && schema.Scalar() != "3.0")) {
        manifest.problems.push_back(
            {line_of(schema), "unknown dvc.lock schema (expected '2.0' or '3.0')"});
        return manifest;
      }
      stages = (*root)["stages"];
      if (!stages || !stages.IsMap()) {
        manifest.problems.push_back({line_of(*root), "dvc.lock has no 'stages' mapping"});
        return manifest;
      }
    }
    if (stages.size() > kMaxManifestEntries) {
      manifest.problems.push_back({line_of(stages), "too many stages"});
      return manifest;
    }
    for (const auto& stage : stages) {
      std::string name = stage.first.IsScalar() ? stage.first.Scalar() : "?";
      std::string where = "stage '" + name + "'";
      if (!stage.second.IsMap()) {
        manifest.problems.push_back({line_of(stage.second), where + " must be a mapping"});
        continue;
      }
      if (!stage.second["cmd"]) {
        manifest.problems.push_back({line_of(stage.second), where + " has no 'cmd'"});
      }
      size_t deps = manifest.deps.size();
      size_t outs = manifest.outs.size();
      read_entries(stage.second, "deps", where, false, manifest.deps, manifest.problems);
      read_entries(stage.second, "outs", where, false, manifest.outs, manifest.problems);
      for (size_t i = deps; i < manifest.deps.size(); ++i) manifest.deps[i].stage = name;
      for (size_t i = outs; i < manifest.outs.size(); ++i) manifest.outs[i].stage = name;
    }
  } catch (const YAML::Exception& e) {
    manifest.problems.push_back({0, "unreadable YAML structure: " + e.msg});
  }
  return manifest;
}

}  // namespace gate::data
