#include "rules/model/dataset_declarations.hpp"
#include "gate/types/text.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "rules/model/json_depth.hpp"
#include "rules/model/yaml_field.hpp"

namespace gate::rules::model {

namespace {

constexpr uint64_t kMaxDeclarationBytes = 4u << 20;

std::string folder_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

std::string base_name(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// `relative` seen from `folder`, normalised ("./" and "a/../" removed); empty when it leaves
// the repository.
std::string resolve(const std::string& folder, const std::string& relative) {
  std::vector<std::string> parts;
  std::string joined = folder.empty() ? relative : folder + "/" + relative;
  size_t start = 0;
  while (start <= joined.size()) {
    size_t slash = joined.find('/', start);
    std::string part = joined.substr(start, slash == std::string::npos ? slash : slash - start);
    if (part == "..") {
      if (parts.empty()) return "";
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : "/") + part;
  return out;
}

// Adds the entry under each name it can be referred to by.
void add_names(DatasetIndex& index, const std::vector<std::string>& names,
               const DeclaredDataset& base) {
  std::vector<std::string> seen;
  for (const auto& name : names) {
    if (name.empty() || std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    seen.push_back(name);
    DeclaredDataset entry = base;
    entry.name = name;
    index.add(std::move(entry));
  }
}

void read_frictionless_hash(const nlohmann::json& resource, DeclaredDataset& entry) {
  auto hash = resource.find("hash");
  if (hash == resource.end() || !hash->is_string()) return;
  std::string text = ascii_lower(hash->get<std::string>());
  if (text.rfind("sha256:", 0) == 0) {
    entry.sha256 = text.substr(7);
  } else if (text.rfind("md5:", 0) == 0) {
    entry.md5 = text.substr(4);
  } else if (text.find(':') == std::string::npos) {
    entry.md5 = text;  // Frictionless v1: md5 when no algorithm is named
  }
}

void add_dvc_outs(const std::string& path, const YAML::Node& outs, DatasetIndex& index) {
  if (!outs.IsSequence()) return;
  std::string folder = folder_of(path);
  for (const auto& out : outs) {
    if (!out.IsMap() || !yaml_field(out, "path").IsScalar()) continue;
    std::string relative = yaml_field(out, "path").Scalar();
    DeclaredDataset entry;
    entry.declared_in = path;
    if (yaml_field(out, "md5").IsScalar()) entry.md5 = ascii_lower(yaml_field(out, "md5").Scalar());
    std::string full = resolve(folder, relative);
    add_names(index, {full, relative, base_name(full)}, entry);
  }
}

}  // namespace

std::vector<const DeclaredDataset*> DatasetIndex::find(const std::string& name) const {
  std::vector<const DeclaredDataset*> out;
  for (const auto& entry : entries_) {
    if (entry.name == name) out.push_back(&entry);
  }
  return out;
}

void add_data_package(const std::string& path, const std::string& text, DatasetIndex& index) {
  if (json_nesting_depth(text) > 64) return;
  nlohmann::json package = nlohmann::json::parse(text, nullptr, false);
  if (!package.is_object()) return;
  std::string folder = folder_of(path);
  std::string package_name;
  if (auto name = package.find("name"); name != package.end() && name->is_string()) {
    package_name = name->get<std::string>();
    add_names(index, {package_name}, DeclaredDataset{"", path, std::nullopt, std::nullopt});
  }
  auto resources = package.find("resources");
  if (resources == package.end() || !resources->is_array()) return;
  for (const auto& resource : *resources) {
    if (!resource.is_object()) continue;
    DeclaredDataset entry;
    entry.declared_in = path;
    read_frictionless_hash(resource, entry);
    std::vector<std::string> names;
    if (auto name = resource.find("name"); name != resource.end() && name->is_string()) {
      names.push_back(name->get<std::string>());
      if (!package_name.empty()) names.push_back(package_name + "/" + name->get<std::string>());
    }
    if (auto data_path = resource.find("path"); data_path != resource.end()) {
      std::vector<nlohmann::json> paths;
      if (data_path->is_array()) {
        paths.assign(data_path->begin(), data_path->end());
      } else {
        paths.push_back(*data_path);
      }
      for (const auto& p : paths) {
        if (!p.is_string()) continue;
        std::string relative = p.get<std::string>();
        if (relative.find("://") != std::string::npos) {
          names.push_back(relative);  // a remote resource, named by its URL
          continue;
        }
        names.push_back(resolve(folder, relative));
        names.push_back(relative);
      }
    }
    add_names(index, names, entry);
  }
}

void add_dvc_file(const std::string& path, const std::string& text, DatasetIndex& index) {
  YAML::Node document;
  try {
    document = YAML::Load(text);
  } catch (const YAML::Exception&) {
    return;
  }
  if (!document.IsMap()) return;
  if (base_name(path) == "dvc.lock") {
    const YAML::Node stages = yaml_field(document, "stages");
    if (!stages.IsMap()) return;
    for (const auto& stage : stages) {
      if (stage.second.IsMap()) add_dvc_outs(path, yaml_field(stage.second, "outs"), index);
    }
    return;
  }
  add_dvc_outs(path, yaml_field(document, "outs"), index);
}

DatasetIndex load_dataset_declarations(const BlobSource& blobs, Tree tree) {
  DatasetIndex index;
  for (const auto& path : blobs.list(tree)) {
    std::string name = base_name(path);
    bool package = name == "datapackage.json";
    bool dvc =
        name == "dvc.lock" || (name.size() > 4 && name.compare(name.size() - 4, 4, ".dvc") == 0);
    if (!package && !dvc) continue;
    std::optional<uint64_t> size = blobs.size(tree, path);
    if (!size || *size > kMaxDeclarationBytes) continue;
    std::optional<std::string> text = blobs.read(tree, path, kMaxDeclarationBytes);
    if (!text) continue;
    if (package) {
      add_data_package(path, *text, index);
    } else {
      add_dvc_file(path, *text, index);
    }
  }
  return index;
}

}  // namespace gate::rules::model
