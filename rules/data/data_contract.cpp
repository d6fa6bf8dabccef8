#include "rules/data/data_contract.hpp"

#include <charconv>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "gate/types/errors.hpp"
#include "rules/data/dataset_index.hpp"
#include "rules/data/schema_diff.hpp"
#include "rules/data/table_schema.hpp"
#include "rules/process/approvals.hpp"
#include "rules/process/codeowners.hpp"

namespace gate::rules {

namespace {

using json = nlohmann::json;
using data::Compatibility;
using data::SchemaChange;

struct DatasetMode {
  GlobList paths;
  Compatibility mode = Compatibility::full;
};

struct Version {
  uint64_t major = 0;
  uint64_t minor = 0;
};

// "2.1.0", "v2", "0.3.1-rc.1": the numbers before any pre-release or build suffix.
std::optional<Version> parse_version(const json& value) {
  if (!value.is_string()) return std::nullopt;
  std::string_view text = value.get_ref<const std::string&>();
  if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) text.remove_prefix(1);
  Version version;
  const char* end = text.data() + text.size();
  auto [after_major, major_error] = std::from_chars(text.data(), end, version.major);
  if (major_error != std::errc()) return std::nullopt;
  if (after_major != end && *after_major == '.') {
    auto [after_minor, minor_error] = std::from_chars(after_major + 1, end, version.minor);
    if (minor_error != std::errc()) return std::nullopt;
  }
  return version;
}

// A major bump as semantic versioning reads it; below 1.0.0 the minor number is the one that
// signals breaking changes (as Cargo and npm treat 0.x). A version declared for the first time
// counts as the bump.
bool is_major_bump(const json& before, const json& after) {
  std::optional<Version> old_version = parse_version(before);
  std::optional<Version> new_version = parse_version(after);
  if (!new_version) return false;
  if (!old_version) return before.is_null();
  if (new_version->major != old_version->major) return new_version->major > old_version->major;
  return old_version->major == 0 && new_version->minor > old_version->minor;
}

std::string version_text(const json& value) {
  return value.is_string() ? value.get<std::string>() : std::string("none");
}

bool is_package(const std::string& path) {
  return path == "datapackage.json" ||
         (path.size() > 17 && path.compare(path.size() - 17, 17, "/datapackage.json") == 0);
}

bool is_schema_file(const std::string& path) {
  return path.size() > 12 && path.compare(path.size() - 12, 12, ".schema.json") == 0;
}

std::optional<json> read_json(const BlobSource& blobs, Tree tree, const std::string& path) {
  std::optional<std::string> text;
  try {
    text = blobs.read(tree, path, data::kMaxDescriptorBytes);
  } catch (const RuleError&) {
    throw data::SchemaError("larger than " + std::to_string(data::kMaxDescriptorBytes) + " bytes");
  }
  if (!text) return std::nullopt;
  return data::parse_bounded_json(*text);
}

// A resource's schema: inline, or a path relative to the package. Remote schemas are not read.
std::optional<json> resource_schema(const BlobSource& blobs, Tree tree, const std::string& package,
                                    const json& resource) {
  auto it = resource.find("schema");
  if (it == resource.end()) return std::nullopt;
  if (it->is_object()) return *it;
  if (!it->is_string()) throw data::SchemaError("a resource's 'schema' is neither object nor path");
  const std::string& where = it->get_ref<const std::string&>();
  if (where.find("://") != std::string::npos) {
    throw data::SchemaError("schema '" + where +
                            "' is remote; Gate reads schemas in the repository");
  }
  std::optional<std::string> path =
      data::normalize_path(data::join_path(data::parent_folder(package), where));
  if (!path) throw data::SchemaError("schema path '" + where + "' leaves the repository");
  std::optional<json> schema = read_json(blobs, tree, *path);
  if (!schema) throw data::SchemaError("schema '" + *path + "' is missing");
  return schema;
}

std::map<std::string, json> resources_of(const json& package) {
  std::map<std::string, json> out;
  auto it = package.find("resources");
  if (it == package.end() || !it->is_array()) return out;
  for (const auto& resource : *it) {
    if (!resource.is_object()) continue;
    auto name = resource.find("name");
    auto path = resource.find("path");
    std::string key = name != resource.end() && name->is_string() ? name->get<std::string>()
                      : path != resource.end()                    ? path->dump()
                                                                  : resource.dump();
    out.emplace(key, resource);
  }
  return out;
}

std::vector<SchemaChange> diff_packages(const BlobSource& blobs, const std::string& old_path,
                                        const json& before, const std::string& new_path,
                                        const json& after) {
  std::vector<SchemaChange> changes;
  std::map<std::string, json> old_resources = resources_of(before);
  std::map<std::string, json> new_resources = resources_of(after);
  for (const auto& [name, resource] : old_resources) {
    std::string subject = "resource '" + name + "'";
    auto it = new_resources.find(name);
    if (it == new_resources.end()) {
      changes.push_back({subject, "removed", false, true});
      continue;
    }
    std::optional<json> old_schema = resource_schema(blobs, Tree::merge_base, old_path, resource);
    std::optional<json> new_schema = resource_schema(blobs, Tree::head, new_path, it->second);
    if (!old_schema && !new_schema) continue;
    if (!new_schema) {
      changes.push_back({subject, "schema removed (loosened)", false, true});
      continue;
    }
    if (!old_schema) {
      changes.push_back({subject, "schema added (tightened)", true, false});
      continue;
    }
    for (SchemaChange change : data::diff_schemas(*old_schema, *new_schema)) {
      change.subject = subject + " " + change.subject;
      changes.push_back(std::move(change));
    }
  }
  for (const auto& [name, resource] : new_resources) {
    if (!old_resources.count(name)) changes.push_back({"resource '" + name + "'", "added"});
  }
  return changes;
}

// The line of the head document that names the change's last quoted subject, so a finding points
// at the field; 0 (the whole file) when the name is gone.
uint32_t line_of(const std::string& text, const std::string& subject) {
  size_t close = subject.rfind('\'');
  size_t open = close == std::string::npos ? close : subject.rfind('\'', close - 1);
  if (open == std::string::npos || close == std::string::npos || close <= open + 1) return 0;
  std::string name = subject.substr(open + 1, close - open - 1);
  size_t dot = name.rfind('.');
  if (dot != std::string::npos) name = name.substr(dot + 1);
  size_t at = text.find("\"" + name + "\"");
  if (at == std::string::npos) return 0;
  return static_cast<uint32_t>(std::count(text.begin(), text.begin() + at, '\n') + 1);
}

class DataContract : public Rule {
 public:
  struct Options {
    Compatibility mode = Compatibility::full;
    std::vector<DatasetMode> datasets;
    GlobList schemas;
    uint32_t approvals = 1;
    bool dismiss_stale = true;
    bool require_version_bump = true;
    bool require_approval = true;
  };
  explicit DataContract(Options options) : options_(std::move(options)) {}

  RuleResult evaluate(const RuleContext& context) const override {
    RuleResult result;
    size_t judged = 0;
    for (const auto& file : context.change.files) {
      if (file.status == ChangeStatus::added || file.status == ChangeStatus::copied) continue;
      if (!context.in_scope(file)) continue;
      const std::string& old_path = file.old_path.empty() ? file.path : file.old_path;
      bool package = is_package(file.path) || is_package(old_path);
      if (!package && !is_schema_file(file.path) && !is_schema_file(old_path) &&
          !options_.schemas.matches(file.path)) {
        continue;
      }
      ++judged;
      judge(context, file, old_path, package, result);
    }
    if (judged == 0) result.skipped = "no data package or schema changed in scope";
    return result;
  }

 private:
  Compatibility mode_for(const std::string& path) const {
    for (const auto& dataset : options_.datasets) {
      if (dataset.paths.matches(path)) return dataset.mode;
    }
    return options_.mode;
  }

  void judge(const RuleContext& context, const FileChange& file, const std::string& old_path,
             bool package, RuleResult& result) const {
    Compatibility mode = mode_for(file.path);
    if (mode == Compatibility::none) return;
    std::vector<SchemaChange> changes;
    json old_version;
    json new_version;
    std::string head_text;
    try {
      std::optional<json> before = read_json(context.blobs, Tree::merge_base, old_path);
      if (!before) return;  // nothing to compare with: a new contract
      old_version = before->is_object() ? before->value("version", json()) : json();
      if (file.deleted()) {
        changes.push_back({"contract", "deleted", false, true});
      } else {
        head_text = context.blobs.read(Tree::head, file.path, data::kMaxDescriptorBytes)
                        .value_or(std::string());
        json after = data::parse_bounded_json(head_text);
        new_version = after.is_object() ? after.value("version", json()) : json();
        changes = package ? diff_packages(context.blobs, old_path, *before, file.path, after)
                          : data::diff_schemas(*before, after);
      }
    } catch (const data::SchemaError& e) {
      Finding f = context.finding(file.path,
                                  "cannot compare the data contract with the merge "
                                  "base: " +
                                      std::string(e.what()));
      f.fingerprint_basis = "contract:unreadable";
      result.findings.push_back(std::move(f));
      return;
    }
    std::vector<const SchemaChange*> breaking;
    for (const auto& change : changes) {
      if (change.breaks(mode)) breaking.push_back(&change);
    }
    if (breaking.empty()) return;

    std::vector<std::string> missing;
    std::string accepted;
    bool bumped = is_major_bump(old_version, new_version);
    std::string versions =
        "version " + version_text(old_version) + " -> " + version_text(new_version);
    if (options_.require_version_bump && !bumped) {
      missing.push_back("a major version bump (" + versions + ")");
    } else if (bumped) {
      accepted += versions;
    }
    if (options_.require_approval) {
      std::string approval = approval_problem(context, file.path, old_path);
      if (!approval.empty()) {
        missing.push_back(approval);
      } else {
        accepted += std::string(accepted.empty() ? "" : ", ") + "approved by the owners";
      }
    }
    for (const SchemaChange* change : breaking) {
      std::string head = "breaking change to the data contract (" +
                         std::string(data::to_string(mode)) +
                         " compatibility): " + change->describe();
      Finding f =
          context.finding(file.path, missing.empty() ? head + "; accepted: " + accepted
                                                     : head + "; needs " + join(missing, " and "));
      if (missing.empty()) f.severity = Severity::notice;
      f.start_line = f.end_line = line_of(head_text, change->subject);
      f.fingerprint_basis = "contract:" + change->describe();
      result.findings.push_back(std::move(f));
    }
  }

  // Empty when the dataset's owners approved; otherwise what is missing.
  std::string approval_problem(const RuleContext& context, const std::string& path,
                               const std::string& old_path) const {
    std::optional<Codeowners> codeowners = read_codeowners(context.blobs, codeowners_locations());
    if (!codeowners)
      return "approval from the dataset's owners (no CODEOWNERS in the base revision)";
    std::vector<std::string> owners = all_owners_of(*codeowners, path);
    if (owners.empty() && old_path != path) owners = all_owners_of(*codeowners, old_path);
    if (owners.empty()) {
      return "approval from the dataset's owners ('" + path + "' has no owner in " +
             codeowners->path + ")";
    }
    ApprovalState state =
        current_approvals(context.evidence, context.change, options_.dismiss_stale);
    std::vector<std::string> unknown_teams;
    std::set<std::string> approvers =
        approvers_for_any(owners, state, context.policy, context.evidence, &unknown_teams);
    if (approvers.size() >= options_.approvals) return {};
    std::string problem =
        (options_.approvals == 1 ? std::string("approval")
                                 : std::to_string(options_.approvals) + " approvals") +
        " from " + join(owners, " or ") + " (" +
        (approvers.empty() ? std::string("none yet") : "has " + join(approvers, ", ")) + ")";
    if (!unknown_teams.empty()) problem += "; no members known for " + join(unknown_teams, ", ");
    if (!state.provided) problem += " [no approvals were given: pass --approvals FILE]";
    return problem;
  }

  Options options_;
};

Compatibility read_mode(const Params& params, const std::string& key, Compatibility fallback) {
  std::optional<std::string> text = params.optional_string(key);
  if (!text) return fallback;
  Compatibility mode;
  if (!data::parse_compatibility(*text, mode)) {
    params.fail(key, "'" + *text + "' is not a compatibility mode",
                "use full, backward, forward or none");
  }
  return mode;
}

GlobList read_globs(const Params& params, const std::string& key) {
  try {
    return GlobList(params.string_list(key));
  } catch (const std::invalid_argument& e) {
    params.fail(key, e.what());
  }
}

}  // namespace

RuleType data_contract_type() {
  RuleType type;
  type.name = "data-contract";
  type.family = "data";
  type.reads_approvals = true;
  type.summary =
      "Schema changes are compatible with the merge base, or carry a major version bump and the "
      "dataset owners' approval.";
  type.parameters = {
      {"compatibility", "string",
       "full (default), backward (old data still validates), forward (old consumers read new "
       "data) or none",
       false},
      {"datasets", "list of mappings",
       "per-dataset modes: `- paths: [globs]` with `compatibility:`; the first match wins", false},
      {"schemas", "list of globs",
       "further schema files to compare (besides datapackage.json and *.schema.json)", false},
      {"approvals", "integer", "distinct owner approvals a breaking change needs (default 1)",
       false},
      {"dismiss-stale", "boolean", "only approvals of the head commit count (default true)", false},
      {"require-version-bump", "boolean", "a breaking change needs a major bump (default true)",
       false},
      {"require-approval", "boolean",
       "a breaking change needs the CODEOWNERS owners' approval (default true)", false},
  };
  type.example =
      "- id: data-contracts\n"
      "  type: data-contract\n"
      "  compatibility: full\n"
      "  datasets:\n"
      "    - paths: [\"data/raw/**\"]\n"
      "      compatibility: backward\n";
  type.factory = [](const Params& params, const PolicyRule&) -> std::shared_ptr<const Rule> {
    DataContract::Options options;
    options.mode = read_mode(params, "compatibility", Compatibility::full);
    for (const Params& dataset : params.children("datasets")) {
      DatasetMode entry;
      entry.paths = read_globs(dataset, "paths");
      if (entry.paths.empty()) dataset.fail("paths", "a dataset entry needs `paths`");
      if (!dataset.has("compatibility")) {
        dataset.fail("compatibility", "a dataset entry needs `compatibility`");
      }
      entry.mode = read_mode(dataset, "compatibility", options.mode);
      dataset.finish();
      options.datasets.push_back(std::move(entry));
    }
    options.schemas = read_globs(params, "schemas");
    int64_t approvals = params.integer_or("approvals", 1);
    if (approvals < 1 || approvals > 100) {
      params.fail("approvals", "must be a whole number from 1 to 100");
    }
    options.approvals = static_cast<uint32_t>(approvals);
    options.dismiss_stale = params.boolean_or("dismiss-stale", true);
    options.require_version_bump = params.boolean_or("require-version-bump", true);
    options.require_approval = params.boolean_or("require-approval", true);
    params.finish();
    return std::make_shared<DataContract>(std::move(options));
  };
  return type;
}

}  // namespace gate::rules
