#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "gate/types/blob_source.hpp"
#include "rules/data/dialect_reader.hpp"

namespace gate::data {

// What a dataset's descriptor says about one data file.
struct DatasetInfo {
  std::string descriptor_path;           // datapackage.json, or the *.schema.json beside the file
  std::optional<nlohmann::json> schema;  // the Table Schema (inline or resolved from a path)
  std::string schema_path;               // the file the schema was read from
  CsvDialect dialect;                    // the resource's dialect (defaults without one)
  std::string format;                    // the resource's `format` ("csv", "xlsx", ...), if given
  std::string compression;               // the resource's `compression`, if given
  std::string encoding;                  // the resource's `encoding`, if given
  bool from_package = false;             // a data package resource names the file
  std::optional<std::string> pii_basis;  // resource `pii: {basis: ...}`
  std::string error;  // the descriptor or schema could not be read: why (schema is then empty)
};

inline constexpr uint64_t kMaxDescriptorBytes = 1 << 20;

// Finds the descriptors of data files in one tree: the nearest datapackage.json (in the file's
// folder or any folder above) with a resource whose `path` names the file, else a
// `<name>.schema.json` or `<stem>.schema.json` beside it. Reads each descriptor once.
class DatasetIndex {
 public:
  DatasetIndex(const BlobSource& blobs, Tree tree) : blobs_(blobs), tree_(tree) {}

  std::optional<DatasetInfo> find(const std::string& path);
  // The resource called `name` of the data package `descriptor_path` (a foreign key's target):
  // its first data file and what the package says of it; nullopt when there is none.
  std::optional<std::pair<std::string, DatasetInfo>> resource_named(
      const std::string& descriptor_path, const std::string& name);
  // A whole file of at most kMaxDescriptorBytes; nullopt when absent; throws SchemaError if larger.
  std::optional<std::string> read_small(const std::string& path) const;

 private:
  struct Package {
    std::optional<nlohmann::json> doc;
    std::string error;
  };
  const Package* package_in(const std::string& folder);
  std::optional<DatasetInfo> resource_for(const std::string& folder, const Package& package,
                                          const std::string& path);

  const BlobSource& blobs_;
  Tree tree_;
  std::map<std::string, std::optional<Package>> packages_;  // folder -> package (or none)
};

// A resource's CSV dialect; throws SchemaError naming the bad option.
CsvDialect read_dialect(const nlohmann::json& dialect);

std::string parent_folder(const std::string& path);  // "" for top-level files
std::string join_path(const std::string& folder, const std::string& relative);
// Lexically normalised repository path ("a/./b/../c" -> "a/c"); nullopt when it leaves the root.
std::optional<std::string> normalize_path(const std::string& path);

}  // namespace gate::data
