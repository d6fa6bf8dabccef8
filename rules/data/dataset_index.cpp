#include "rules/data/dataset_index.hpp"

#include <vector>

#include "rules/data/table_schema.hpp"

namespace gate::data {

using nlohmann::json;

std::string parent_folder(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

std::string join_path(const std::string& folder, const std::string& relative) {
  return folder.empty() ? relative : folder + "/" + relative;
}

std::optional<std::string> normalize_path(const std::string& path) {
  if (path.empty() || path[0] == '/' || path.find('\\') != std::string::npos) return std::nullopt;
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string part = path.substr(start, end - start);
    if (part == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  if (parts.empty()) return std::nullopt;
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : "/") + part;
  return out;
}

std::optional<std::string> DatasetIndex::read_small(const std::string& path) const {
  auto size = blobs_.size(tree_, path);
  if (!size) return std::nullopt;
  if (*size > kMaxDescriptorBytes) {
    throw SchemaError(path + " is " + std::to_string(*size) + " bytes, over the limit of " +
                      std::to_string(kMaxDescriptorBytes));
  }
  return blobs_.read(tree_, path, kMaxDescriptorBytes);
}

namespace {

char dialect_char(const json& dialect, const char* key, char fallback, bool allow_empty = false) {
  if (!dialect.contains(key)) return fallback;
  const json& value = dialect[key];
  if (!value.is_string() || value.get_ref<const std::string&>().size() > 1 ||
      (!allow_empty && value.get_ref<const std::string&>().empty())) {
    throw SchemaError(std::string("dialect '") + key + "' must be a single character");
  }
  const std::string& text = value.get_ref<const std::string&>();
  return text.empty() ? '\0' : text[0];
}

bool dialect_flag(const json& dialect, const char* key, bool fallback) {
  if (!dialect.contains(key)) return fallback;
  if (!dialect[key].is_boolean())
    throw SchemaError(std::string("dialect '") + key + "' must be a boolean");
  return dialect[key].get<bool>();
}

std::vector<uint64_t> dialect_rows(const json& dialect, const char* key) {
  std::vector<uint64_t> rows;
  if (!dialect.contains(key)) return rows;
  if (!dialect[key].is_array())
    throw SchemaError(std::string("dialect '") + key + "' must be a list of row numbers");
  for (const json& row : dialect[key]) {
    if (!row.is_number_unsigned() || row.get<uint64_t>() == 0) {
      throw SchemaError(std::string("dialect '") + key + "' must hold positive row numbers");
    }
    rows.push_back(row.get<uint64_t>());
  }
  return rows;
}

}  // namespace

CsvDialect read_dialect(const json& dialect) {
  CsvDialect out;
  if (!dialect.is_object()) throw SchemaError("resource 'dialect' must be an object");
  out.delimiter = dialect_char(dialect, "delimiter", 0);
  out.header = dialect_flag(dialect, "header", true);
  out.header_rows = dialect_rows(dialect, "headerRows");
  if (!out.header_rows.empty() && !dialect.contains("header")) out.header = true;
  out.quote = dialect_char(dialect, "quoteChar", '"', true);
  out.quoting = out.quote != '\0';
  if (dialect.contains("escapeChar")) out.escape = dialect_char(dialect, "escapeChar", '\\');
  out.double_quote = dialect_flag(dialect, "doubleQuote", true);
  out.skip_initial_space = dialect_flag(dialect, "skipInitialSpace", false);
  if (dialect.contains("commentChar")) out.comment = dialect_char(dialect, "commentChar", '#');
  out.comment_rows = dialect_rows(dialect, "commentRows");
  return out;
}

const DatasetIndex::Package* DatasetIndex::package_in(const std::string& folder) {
  auto it = packages_.find(folder);
  if (it == packages_.end()) {
    std::optional<Package> package;
    try {
      if (auto text = read_small(join_path(folder, "datapackage.json"))) {
        package.emplace();
        package->doc = parse_bounded_json(*text);
        if (!package->doc->is_object()) throw SchemaError("a data package must be a JSON object");
      }
    } catch (const SchemaError& e) {
      package.emplace();
      package->doc.reset();
      package->error = e.what();
    }
    it = packages_.emplace(folder, std::move(package)).first;
  }
  return it->second ? &*it->second : nullptr;
}

std::optional<DatasetInfo> DatasetIndex::resource_for(const std::string& folder,
                                                      const Package& package,
                                                      const std::string& path) {
  DatasetInfo info;
  info.descriptor_path = join_path(folder, "datapackage.json");
  info.schema_path = info.descriptor_path;
  if (!package.doc) {
    info.error = package.error;
    return info;  // a broken descriptor governs every file below it
  }
  const json& doc = *package.doc;
  if (!doc.contains("resources") || !doc["resources"].is_array()) return std::nullopt;
  for (const json& resource : doc["resources"]) {
    if (!resource.is_object() || !resource.contains("path")) continue;
    std::vector<std::string> paths;
    const json& p = resource["path"];
    if (p.is_string()) paths.push_back(p.get<std::string>());
    if (p.is_array()) {
      for (const json& item : p) {
        if (item.is_string()) paths.push_back(item.get<std::string>());
      }
    }
    bool names_file = false;
    for (const auto& candidate : paths) {
      names_file = names_file || normalize_path(join_path(folder, candidate)) == path;
    }
    if (!names_file) continue;
    info.from_package = true;
    if (resource.contains("dialect")) {
      try {
        info.dialect = read_dialect(resource["dialect"]);
      } catch (const SchemaError& e) {
        info.error = e.what();
        return info;
      }
    }
    for (auto [key, out] :
         {std::pair{"format", &info.format}, std::pair{"compression", &info.compression},
          std::pair{"encoding", &info.encoding}}) {
      if (resource.contains(key) && resource[key].is_string())
        *out = resource[key].get<std::string>();
    }
    if (resource.contains("pii") && resource["pii"].is_object() &&
        resource["pii"].contains("basis") && resource["pii"]["basis"].is_string()) {
      info.pii_basis = resource["pii"]["basis"].get<std::string>();
    }
    if (resource.contains("schema")) {
      const json& schema = resource["schema"];
      if (schema.is_object()) {
        info.schema = schema;
      } else if (schema.is_string()) {
        auto schema_path = normalize_path(join_path(folder, schema.get<std::string>()));
        try {
          if (!schema_path) throw SchemaError("schema path leaves the repository");
          info.schema_path = *schema_path;
          auto text = read_small(*schema_path);
          if (!text) throw SchemaError("schema file " + *schema_path + " does not exist");
          info.schema = parse_bounded_json(*text);
        } catch (const SchemaError& e) {
          info.error = e.what();
        }
      } else {
        info.error = "resource 'schema' must be an object or a path";
      }
    }
    return info;
  }
  return std::nullopt;
}

std::optional<std::pair<std::string, DatasetInfo>> DatasetIndex::resource_named(
    const std::string& descriptor_path, const std::string& name) {
  std::string folder = parent_folder(descriptor_path);
  const Package* package = package_in(folder);
  if (!package || !package->doc || !package->doc->contains("resources") ||
      !(*package->doc)["resources"].is_array()) {
    return std::nullopt;
  }
  for (const json& resource : (*package->doc)["resources"]) {
    if (!resource.is_object() || resource.value("name", "") != name || !resource.contains("path")) {
      continue;
    }
    const json& p = resource["path"];
    std::string first = p.is_string()                                    ? p.get<std::string>()
                        : p.is_array() && !p.empty() && p[0].is_string() ? p[0].get<std::string>()
                                                                         : "";
    auto path = normalize_path(join_path(folder, first));
    if (!path) return std::nullopt;
    auto info = resource_for(folder, *package, *path);
    if (!info) return std::nullopt;
    return std::pair{*path, std::move(*info)};
  }
  return std::nullopt;
}

std::optional<DatasetInfo> DatasetIndex::find(const std::string& path) {
  std::string folder = parent_folder(path);
  for (;;) {
    if (const Package* package = package_in(folder)) {
      if (auto info = resource_for(folder, *package, path)) return info;
    }
    if (folder.empty()) break;
    folder = parent_folder(folder);
  }
  std::string name = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  std::vector<std::string> candidates = {path + ".schema.json"};
  if (size_t dot = name.rfind('.'); dot != std::string::npos && dot > 0) {
    candidates.push_back(join_path(parent_folder(path), name.substr(0, dot) + ".schema.json"));
  }
  for (const auto& candidate : candidates) {
    DatasetInfo info;
    info.descriptor_path = info.schema_path = candidate;
    try {
      auto text = read_small(candidate);
      if (!text) continue;
      info.schema = parse_bounded_json(*text);
    } catch (const SchemaError& e) {
      info.error = e.what();
    }
    return info;
  }
  return std::nullopt;
}

}  // namespace gate::data
