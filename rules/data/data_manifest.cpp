#include "rules/data/data_manifest.hpp"

#include <map>
#include <set>

#include "gate/types/errors.hpp"
#include "rules/data/data_digest.hpp"
#include "rules/data/dataset_index.hpp"
#include "rules/data/dvc_manifest.hpp"
#include "rules/data/table_schema.hpp"

namespace gate::rules {

namespace {

using data::DvcEntry;
using data::DvcManifest;

constexpr size_t kMaxManifests = 20000;

struct Tracked {
  std::string manifest;  // path of the .dvc or dvc.lock
  DvcEntry entry;
  std::string data_path;  // normalised repository path of the data
};

bool is_descriptor(const std::string& path) {
  auto ends = [&](std::string_view s) {
    return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
  };
  return data::is_dvc_file(path) || data::is_dvc_lock(path) || ends("datapackage.json") ||
         ends(".schema.json") || ends(".gitignore") || ends("dvc.yaml");
}

class DataManifest : public Rule {
 public:
  DataManifest(std::vector<std::string> required_meta, bool verify, bool report_untracked,
               std::string data_asset)
      : required_meta_(std::move(required_meta)),
        verify_(verify),
        report_untracked_(report_untracked),
        data_asset_(std::move(data_asset)) {}

  RuleResult evaluate(const RuleContext& context) const override {
    RuleResult result;
    data::DatasetIndex index(context.blobs, Tree::head);
    std::map<std::string, DvcManifest> manifests = load_manifests(context, index);
    std::vector<Tracked> tracked;
    for (const auto& [path, manifest] : manifests) {
      for (const auto& entry : manifest.outs) {
        auto data_path =
            data::normalize_path(data::join_path(data::parent_folder(path), entry.path));
        if (data_path) tracked.push_back({path, entry, *data_path});
      }
    }
    std::set<std::pair<std::string, std::string>> verified;  // (manifest, data path)
    size_t judged = 0;
    for (const auto& file : context.change.files) {
      if (file.deleted() || !context.in_scope(file)) continue;
      bool dvc = data::is_dvc_file(file.path);
      if (!dvc && !data::is_dvc_lock(file.path)) continue;
      ++judged;
      auto it = manifests.find(file.path);
      if (it == manifests.end()) continue;
      const DvcManifest& manifest = it->second;
      for (const auto& problem : manifest.problems) {
        Finding f = context.finding(file.path, problem.message);
        f.start_line = f.end_line = problem.line;
        f.fingerprint_basis = "problem:" + problem.message;
        result.findings.push_back(std::move(f));
      }
      if (dvc) check_meta(context, file.path, manifest, result);
      for (const auto& t : tracked) {
        if (t.manifest == file.path && verified.insert({t.manifest, t.data_path}).second) {
          verify(context, t, result);
        }
      }
    }
    for (const auto& file : context.change.files) {
      if (file.deleted() || !context.in_scope(file) || is_descriptor(file.path)) continue;
      if (!file.has_asset(data_asset_)) continue;
      ++judged;
      bool is_tracked = false;
      for (const auto& t : tracked) {
        bool covers = t.data_path == file.path ||
                      (t.entry.directory && file.path.rfind(t.data_path + "/", 0) == 0);
        if (!covers) continue;
        is_tracked = true;
        if (verified.insert({t.manifest, t.data_path}).second) verify(context, t, result);
      }
      if (is_tracked || !report_untracked_) continue;
      std::optional<data::DatasetInfo> info;
      try {
        info = index.find(file.path);
      } catch (const data::SchemaError&) {
        continue;  // a schema exists but is unreadable: data-schema reports it
      }
      if (info && (info->schema || !info->error.empty())) continue;
      Finding f = context.finding(
          file.path,
          "data file is neither tracked by a DVC manifest nor described by a Table Schema "
          "(run `dvc add " +
              file.path + "` or add a datapackage.json resource with a schema)");
      f.fingerprint_basis = "untracked";
      result.findings.push_back(std::move(f));
    }
    if (judged == 0) result.skipped = "no DVC manifest or data file in scope";
    return result;
  }

 private:
  std::map<std::string, DvcManifest> load_manifests(const RuleContext& context,
                                                    data::DatasetIndex& index) const {
    std::map<std::string, DvcManifest> manifests;
    for (const auto& path : context.blobs.list(Tree::head)) {
      bool dvc = data::is_dvc_file(path);
      if (!dvc && !data::is_dvc_lock(path)) continue;
      if (manifests.size() >= kMaxManifests) {
        throw RuleError("data-manifest: more than " + std::to_string(kMaxManifests) +
                        " DVC manifests at the head revision");
      }
      DvcManifest manifest;
      auto size = context.blobs.size(Tree::head, path);
      if (size && *size > data::kMaxManifestBytes) {
        manifest.problems.push_back({0, "manifest is " + std::to_string(*size) +
                                            " bytes, over the limit of " +
                                            std::to_string(data::kMaxManifestBytes)});
      } else if (auto text = context.blobs.read(Tree::head, path, data::kMaxManifestBytes)) {
        manifest = dvc ? data::parse_dvc_file(*text) : data::parse_dvc_lock(*text);
      }
      manifests.emplace(path, std::move(manifest));
    }
    return manifests;
  }

  void check_meta(const RuleContext& context, const std::string& path, const DvcManifest& manifest,
                  RuleResult& result) const {
    for (const auto& key : required_meta_) {
      auto it = manifest.meta.find(key);
      if (it != manifest.meta.end() && !it->second.empty()) continue;
      Finding f =
          context.finding(path, manifest.has_meta ? "meta: has no '" + key + "'"
                                                  : "no 'meta:' section (required: '" + key + "')");
      f.start_line = f.end_line = manifest.meta_line;
      f.fingerprint_basis = "meta:" + key;
      result.findings.push_back(std::move(f));
    }
  }

  void verify(const RuleContext& context, const Tracked& t, RuleResult& result) const {
    if (!verify_ || t.entry.directory || t.entry.md5.empty()) return;
    std::unique_ptr<ByteStream> stream = context.blobs.open(Tree::head, t.data_path);
    std::string where = "the repository";
    if (!stream && context.workdir) {
      stream = data::open_workspace_file(*context.workdir, t.data_path);
      where = "the workspace";
    }
    if (!stream) return;  // the data lives in DVC remote storage: nothing to compare here
    data::DataDigest digest = data::digest_stream(*stream);
    auto report = [&](std::string message, std::string basis) {
      Finding f = context.finding(t.manifest, std::move(message));
      f.start_line = f.end_line = t.entry.line;
      f.fingerprint_basis = std::move(basis);
      result.findings.push_back(std::move(f));
    };
    if (t.entry.size && *t.entry.size != digest.size) {
      report("'" + t.data_path + "' in " + where + " is " + std::to_string(digest.size) +
                 " bytes but the manifest records " + std::to_string(*t.entry.size),
             "size:" + t.data_path + ":" + std::to_string(digest.size));
    }
    bool matches =
        digest.md5 == t.entry.md5 || (t.entry.legacy_hash && digest.md5_lf == t.entry.md5);
    if (!matches) {
      report("'" + t.data_path + "' in " + where + " has md5 " + digest.md5 +
                 " but the manifest records " + t.entry.md5 + " (run `dvc commit` or `dvc add`)",
             "md5:" + t.data_path + ":" + digest.md5);
    }
  }

  std::vector<std::string> required_meta_;
  bool verify_;
  bool report_untracked_;
  std::string data_asset_;
};

}  // namespace

RuleType data_manifest_type() {
  RuleType type;
  type.name = "data-manifest";
  type.family = "data";
  type.summary =
      "DVC manifests are well-formed, match their data and carry owner, source, license.";
  type.parameters = {
      {"required-meta", "list",
       "keys required under `meta:` of .dvc files "
       "(default: owner, source, license; [] for none)"},
      {"verify-data", "boolean", "compare md5 and size with the data when present (true)"},
      {"report-untracked", "boolean",
       "report data files with neither a manifest nor a schema (true)"},
      {"data-asset", "string", "asset class whose files count as data (data)"},
  };
  type.example =
      "- id: dvc-manifests\n"
      "  type: data-manifest\n"
      "  required-meta: [owner, source, license]\n";
  type.factory = [](const Params& params, const PolicyRule&) -> std::shared_ptr<const Rule> {
    std::vector<std::string> meta = {"owner", "source", "license"};
    if (params.has("required-meta")) meta = params.string_list("required-meta");
    bool verify = params.boolean_or("verify-data", true);
    bool untracked = params.boolean_or("report-untracked", true);
    std::string asset = params.string_or("data-asset", "data");
    if (asset.empty()) params.fail("data-asset", "must name an asset class");
    params.finish();
    return std::make_shared<DataManifest>(std::move(meta), verify, untracked, std::move(asset));
  };
  return type;
}

}  // namespace gate::rules
