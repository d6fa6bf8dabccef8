#include "gate/engine/inventory.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "gate/engine/dvc_lineage.hpp"
#include "gate/types/errors.hpp"
#include "gate/types/redact.hpp"
#include "rules/data/dataset_index.hpp"
#include "rules/data/dvc_manifest.hpp"
#include "rules/model/model_card_reader.hpp"
#include "rules/model/yaml_field.hpp"
#include "rules/process/codeowners.hpp"

namespace gate {

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string file_name(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string clip(std::string text) {
  if (text.size() > kMaxInventoryText) text.resize(kMaxInventoryText);
  return text;
}

void clip_list(std::vector<std::string>& list) {
  if (list.size() > kMaxInventoryList) list.resize(kMaxInventoryList);
  for (auto& text : list) text = clip(std::move(text));
}

// "dataset" or "model" from the asset classes a path belongs to (the first that says, in policy
// order); empty for neither.
std::string kind_of(const std::vector<std::string>& assets) {
  for (const auto& name : assets) {
    if (name == "data" || name == "dataset" || name == "datasets") return "dataset";
    if (name == "model" || name == "models") return "model";
  }
  return {};
}

// Files that describe data or models rather than being one: the inventory names them as an
// item's schema, manifest or card instead.
bool is_descriptor(const std::string& path) {
  std::string name = file_name(path);
  return data::is_dvc_file(path) || data::is_dvc_lock(path) || name == "dvc.yaml" ||
         name == "datapackage.json" || ends_with(name, ".schema.json") || name == ".gitignore" ||
         name == ".gitattributes" || name == ".dvcignore";
}

// A model folder holds its weights beside text that configures or documents them.
bool is_model_metadata(const std::string& path) {
  std::string name = file_name(path);
  for (const char* ext : {".md", ".json", ".yaml", ".yml", ".txt", ".cfg", ".toml"}) {
    if (ends_with(name, ext)) return true;
  }
  return name == "LICENSE" || name == "NOTICE";
}

// Text of a YAML scalar or list of scalars, joined with ", ".
std::vector<std::string> yaml_texts(const YAML::Node& node) {
  std::vector<std::string> out;
  if (!node.IsDefined() || node.IsNull()) return out;
  if (node.IsScalar()) {
    if (!node.Scalar().empty()) out.push_back(node.Scalar());
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      if (item.IsScalar() && !item.Scalar().empty()) out.push_back(item.Scalar());
      if (out.size() >= kMaxInventoryList) break;
    }
  }
  return out;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += ", ";
    out += part;
  }
  return out;
}

// The licences a data package declares for the resource naming `path`, else for the package.
std::string package_license(const std::string& descriptor, const std::string& text,
                            const std::string& path) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object()) return {};
  auto names = [](const nlohmann::json& owner) {
    std::vector<std::string> out;
    auto it = owner.find("licenses");
    if (it == owner.end() || !it->is_array()) return out;
    for (const auto& license : *it) {
      if (!license.is_object()) continue;
      for (const char* key : {"name", "title", "path"}) {
        auto value = license.find(key);
        if (value != license.end() && value->is_string() && !value->get<std::string>().empty()) {
          out.push_back(value->get<std::string>());
          break;
        }
      }
    }
    return out;
  };
  std::string folder = data::parent_folder(descriptor);
  if (auto resources = doc.find("resources"); resources != doc.end() && resources->is_array()) {
    for (const auto& resource : *resources) {
      if (!resource.is_object() || !resource.contains("path")) continue;
      const auto& p = resource["path"];
      bool names_file = false;
      for (const auto& candidate : p.is_array() ? p : nlohmann::json::array({p})) {
        if (!candidate.is_string()) continue;
        names_file = names_file || data::normalize_path(data::join_path(
                                       folder, candidate.get<std::string>())) == path;
      }
      if (!names_file) continue;
      auto own = names(resource);
      if (!own.empty()) return joined(own);
      break;
    }
  }
  return joined(names(doc));
}

// A `.dvc` file's `meta: {license: ...}` (or `licence`).
std::string meta_license(const data::DvcManifest& manifest) {
  for (const char* key : {"license", "licence"}) {
    if (auto it = manifest.meta.find(key); it != manifest.meta.end()) return it->second;
  }
  return {};
}

class Gatherer {
 public:
  Gatherer(const Policy& policy, const BlobSource& blobs)
      : policy_(policy), blobs_(blobs), datasets_(blobs, Tree::head) {
    try {
      codeowners_ = rules::read_codeowners(blobs, rules::codeowners_locations());
    } catch (const InputError&) {
      // A malformed CODEOWNERS is codeowners-approval's to report; no owners are listed.
    }
  }

  // An item for each dataset and model of the change, keyed by path.
  void add_change(const ChangeSet& change) {
    for (const auto& file : change.files) {
      if (data::is_dvc_file(file.path)) {
        add_dvc_outputs(file);
        continue;
      }
      std::string kind = kind_of(file.assets);
      if (kind.empty() || is_descriptor(file.path)) continue;
      if (kind == "model" && is_model_metadata(file.path)) continue;
      item(file.path, kind, std::string(to_string(file.status)));
    }
  }

  Inventory finish() {
    Inventory inventory;
    if (items_.empty()) return inventory;
    pipelines_ = PipelineIndex::load(blobs_, Tree::head);
    for (auto& [path, item] : items_) {
      if (inventory.items.size() >= kMaxInventoryItems) {
        ++inventory.omitted;
        continue;
      }
      describe(item);
      inventory.items.push_back(std::move(item));
    }
    return inventory;
  }

 private:
  InventoryItem& item(const std::string& path, const std::string& kind, std::string change) {
    auto [it, added] = items_.try_emplace(path);
    if (added) {
      it->second.kind = kind;
      it->second.path = clip(path);
      it->second.change = std::move(change);
    }
    return it->second;
  }

  // A `.dvc` file tracks data kept outside git: its outputs are the datasets (or models) the
  // change touched.
  void add_dvc_outputs(const FileChange& file) {
    Tree tree = file.deleted() ? Tree::merge_base : Tree::head;
    std::optional<std::string> text;
    try {
      text = blobs_.read(tree, file.path, data::kMaxManifestBytes);
    } catch (const RuleError&) {
      return;  // over the limit: data-manifest reports it
    }
    if (!text) return;
    data::DvcManifest manifest = data::parse_dvc_file(*text);
    std::string folder = data::parent_folder(file.path);
    if (!manifest.wdir.empty() && manifest.wdir != ".") {
      auto moved = moved_folder(folder, manifest.wdir);
      if (!moved) return;
      folder = *moved;
    }
    for (const auto& out : manifest.outs) {
      if (out.external) continue;
      auto path = data::normalize_path(data::join_path(folder, out.path));
      if (!path) continue;
      std::string kind = kind_of(policy_.assets_of(*path));
      InventoryItem& entry =
          item(*path, kind.empty() ? "dataset" : kind, std::string(to_string(file.status)));
      if (file.deleted()) continue;
      entry.manifest = described(file.path);
      if (entry.license.empty()) entry.license = meta_license(manifest);
    }
  }

  void describe(InventoryItem& item) {
    if (codeowners_) {
      item.owners = rules::all_owners_of(*codeowners_, item.path);
      clip_list(item.owners);
    }
    if (item.change == "deleted") return;  // nothing at head to describe it
    if (item.kind == "dataset") describe_dataset(item);
    if (!item.manifest) find_manifest(item);
    if (item.kind == "model") describe_model(item);
    if (!item.lineage) item.lineage = pipelines_.lineage_of(item.path);
    if (item.lineage) {
      item.lineage->source = clip(item.lineage->source);
      item.lineage->stage = clip(item.lineage->stage);
      clip_list(item.lineage->inputs);
    }
    item.license = clip(item.license);
  }

  void describe_dataset(InventoryItem& item) {
    std::optional<data::DatasetInfo> info;
    try {
      info = datasets_.find(item.path);
    } catch (const std::exception&) {
      return;  // an unreadable descriptor is data-schema's to report
    }
    if (!info || !info->error.empty()) return;
    std::string schema = info->schema_path.empty() ? info->descriptor_path : info->schema_path;
    if (!schema.empty()) item.schema = described(schema);
    if (info->from_package) {
      if (auto text = small(info->descriptor_path)) {
        item.license = package_license(info->descriptor_path, *text, item.path);
      }
    }
  }

  // `<path>.dvc`, or the `.dvc` of a folder above it (a tracked folder).
  void find_manifest(InventoryItem& item) {
    for (std::string at = item.path; !at.empty(); at = data::parent_folder(at)) {
      std::string dvc = at + ".dvc";
      auto text = small(dvc);
      if (!text) continue;
      item.manifest = described(dvc);
      if (item.license.empty()) item.license = meta_license(data::parse_dvc_file(*text));
      return;
    }
  }

  void describe_model(InventoryItem& item) {
    rules::model::CardLookup lookup =
        rules::model::find_model_card(blobs_, rules::model::folder_of(item.path));
    if (!lookup.card) return;
    const rules::model::ModelCard& card = *lookup.card;
    item.model_card = described(card.path);
    std::vector<std::string> licenses =
        yaml_texts(rules::model::yaml_field(card.fields, "license"));
    if (licenses.size() == 1 && licenses[0] == "other") {
      auto named = yaml_texts(rules::model::yaml_field(card.fields, "license_name"));
      if (!named.empty()) licenses = named;
    }
    if (item.license.empty()) item.license = joined(licenses);
    if (pipelines_.lineage_of(item.path)) return;  // the pipeline that made it says more
    std::vector<std::string> inputs = yaml_texts(rules::model::yaml_field(card.fields, "datasets"));
    for (auto& base : yaml_texts(rules::model::yaml_field(card.fields, "base_model"))) {
      inputs.push_back(std::move(base));
    }
    if (!inputs.empty()) item.lineage = Lineage{card.path, "", std::move(inputs)};
  }

  std::optional<std::string> small(const std::string& path) {
    try {
      return blobs_.read(Tree::head, path, data::kMaxDescriptorBytes);
    } catch (const RuleError&) {
      return std::nullopt;
    }
  }

  DescribedBy described(const std::string& path) {
    auto it = digests_.find(path);
    if (it == digests_.end()) {
      auto text = small(path);
      it = digests_.emplace(path, text ? sha256_hex(*text) : std::string()).first;
    }
    return {clip(path), it->second};
  }

  const Policy& policy_;
  const BlobSource& blobs_;
  data::DatasetIndex datasets_;
  std::optional<rules::Codeowners> codeowners_;
  PipelineIndex pipelines_;
  std::map<std::string, InventoryItem> items_;  // by path
  std::map<std::string, std::string> digests_;  // path -> sha256 at head
};

}  // namespace

Inventory gather_inventory(const Policy& policy, const ChangeSet& change, const BlobSource& blobs) {
  Gatherer gatherer(policy, blobs);
  gatherer.add_change(change);
  return gatherer.finish();
}

}  // namespace gate
