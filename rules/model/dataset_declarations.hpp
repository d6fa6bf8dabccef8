#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gate/types/blob_source.hpp"

namespace gate::rules::model {

// A dataset the repository declares: a Frictionless data package (the package, each resource)
// or a DVC output (`.dvc` files and `dvc.lock`). One entry a name it can be referred to by.
struct DeclaredDataset {
  std::string name;
  std::string declared_in;            // the datapackage.json, .dvc or dvc.lock file
  std::optional<std::string> md5;     // lowercase hex (DVC folder digests keep their .dir)
  std::optional<std::string> sha256;  // lowercase hex
};

class DatasetIndex {
 public:
  void add(DeclaredDataset entry) { entries_.push_back(std::move(entry)); }
  std::vector<const DeclaredDataset*> find(const std::string& name) const;
  const std::vector<DeclaredDataset>& entries() const { return entries_; }

 private:
  std::vector<DeclaredDataset> entries_;
};

// Reads every datapackage.json, *.dvc and dvc.lock in `tree`. Declarations that cannot be parsed
// are left out (the data rules judge their form); each file is read up to a bounded size.
DatasetIndex load_dataset_declarations(const BlobSource& blobs, Tree tree);

// Parsers for one declaration file (exposed for tests and fuzzing).
void add_data_package(const std::string& path, const std::string& text, DatasetIndex& index);
void add_dvc_file(const std::string& path, const std::string& text, DatasetIndex& index);

}  // namespace gate::rules::model
