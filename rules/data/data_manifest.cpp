#include "rules/data/data_manifest.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "gate/types/errors.hpp"
#include "rules/data/dataset_index.hpp"
#include "rules/data/dvc_manifest.hpp"
#include "rules/data/manifest_check.hpp"
#include "rules/data/table_schema.hpp"

namespace gate::rules {

namespace {

using data::DvcEntry;
using data::DvcManifest;

constexpr size_t kMaxManifests = 20000;

using data::TrackedPath;

// The folder a manifest's paths are relative to: its own, moved by `wdir` (a .dvc file's own,
// or, for dvc.lock, the stage's in the dvc.yaml beside it). nullopt when that leaves the
// repository or is a template DVC fills in at run time.
std::optional<std::string> base_folder(const std::string& manifest, const std::string& wdir) {
  if (wdir.empty() || wdir == ".") return data::parent_folder(manifest);
  if (wdir.find("${") != std::string::npos || wdir[0] == '/') return std::nullopt;
  return data::normalize_path(data::join_path(data::parent_folder(manifest), wdir));
}

// A dvc.lock stage of a `foreach` or `matrix` is named "stage@key": its wdir is the stage's.
std::string stage_wdir(const std::map<std::string, std::string>& wdirs, const std::string& stage) {
  auto it = wdirs.find(stage);
  if (it == wdirs.end()) it = wdirs.find(stage.substr(0, stage.find('@')));
  return it == wdirs.end() ? "" : it->second;
}

bool covers(const TrackedPath& t, const std::string& path) {
  return t.data_path == path || (t.entry.directory && path.rfind(t.data_path + "/", 0) == 0);
}

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
    const data::TrackedTree tree = data::load_tracked_tree(context);
    std::map<std::string, DvcManifest> manifests = load_manifests(context, tree.head_paths);
    std::vector<TrackedPath> tracked;
    std::map<std::string, std::string> wdir_problems;  // manifest -> why its paths are not read
    for (const auto& named : manifests) {
      // Named references, not a structured binding: lambdas below capture them (Clang 14).
      const std::string& path = named.first;
      const DvcManifest& manifest = named.second;
      std::map<std::string, std::string> wdirs;
      if (data::is_dvc_lock(path)) {
        std::string pipeline = data::join_path(data::parent_folder(path), "dvc.yaml");
        if (auto text = context.blobs.read(Tree::head, pipeline, data::kMaxManifestBytes)) {
          wdirs = data::parse_stage_wdirs(*text);
        }
      }
      auto add = [&](const DvcEntry& entry, bool dependency) {
        if (entry.external) return;
        std::string wdir = data::is_dvc_lock(path) ? stage_wdir(wdirs, entry.stage) : manifest.wdir;
        auto base = base_folder(path, wdir);
        if (!base) {
          wdir_problems.emplace(path, "wdir '" + wdir + "'");
          return;
        }
        auto data_path = data::normalize_path(data::join_path(*base, entry.path));
        if (data_path) tracked.push_back({path, entry, *data_path, dependency});
      };
      for (const auto& entry : manifest.outs) add(entry, false);
      // A stage's dependencies are local files; the deps of a `dvc import` .dvc file are the
      // source's (another repository or a URL) and are DVC's to check.
      if (data::is_dvc_lock(path) || manifest.has_cmd) {
        for (const auto& entry : manifest.deps) add(entry, true);
      }
    }
    // Each entry once: a path can be one stage's output and another's dependency.
    std::set<std::string> verified;
    auto first_time = [&](const TrackedPath& t) {
      return verified
          .insert(t.manifest + '\n' + t.entry.stage + '\n' + (t.dependency ? "d" : "o") + '\n' +
                  t.data_path)
          .second;
    };
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
      if (auto problem = wdir_problems.find(file.path); problem != wdir_problems.end()) {
        Finding f = context.finding(file.path, "data not verified: " + problem->second +
                                                   " is a template or leaves the repository");
        f.severity = Severity::notice;
        f.fingerprint_basis = "wdir:" + problem->second;
        result.findings.push_back(std::move(f));
      }
      for (const auto& t : tracked) {
        if (t.manifest == file.path && first_time(t)) {
          verify(context, t, tree, result);
        }
      }
    }
    for (const auto& file : context.change.files) {
      if (file.deleted() || !context.in_scope(file) || is_descriptor(file.path)) continue;
      bool is_data = file.has_asset(data_asset_);
      bool is_tracked = false;
      for (const auto& t : tracked) {
        // Data the manifests track, and any file a stage depends on (code, configuration); a
        // dependency dvc.lock records the hash of is tracked too.
        if (!covers(t, file.path) || (!is_data && !t.dependency)) continue;
        is_tracked = true;
        if (first_time(t)) {
          ++judged;
          verify(context, t, tree, result);
        }
      }
      if (!is_data) continue;
      ++judged;
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
  std::map<std::string, DvcManifest> load_manifests(
      const RuleContext& context, const std::vector<std::string>& head_paths) const {
    std::map<std::string, DvcManifest> manifests;
    for (const auto& path : head_paths) {
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

  void verify(const RuleContext& context, const TrackedPath& t, const data::TrackedTree& tree,
              RuleResult& result) const {
    if (verify_) data::verify_tracked(context, t, tree, result);
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
