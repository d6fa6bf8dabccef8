#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace gate {

// A repository file that describes a dataset or model (a Table Schema, a DVC manifest, a model
// card): where it is and the SHA-256 of its bytes at the head revision.
struct DescribedBy {
  std::string path;
  std::string sha256;  // lowercase hex; empty when the file could not be read

  bool operator==(const DescribedBy&) const = default;
};

// Where an item comes from, as the repository records it: the DVC stage that outputs it (its
// dependencies), or the model card's datasets and base model.
struct Lineage {
  std::string source;               // the dvc.lock, dvc.yaml, .dvc file or model card read
  std::string stage;                // the DVC stage, when from a pipeline
  std::vector<std::string> inputs;  // repository paths, or names as the model card gives them

  bool operator==(const Lineage&) const = default;
};

// One dataset or model a run saw changed: what the Inventory page of the audit log lists. Paths
// and short metadata only, never file contents (docs/attestation.md, "inventory").
struct InventoryItem {
  std::string kind;                       // "dataset" or "model"
  std::string path;                       // repository path at head (the old path for a deletion)
  std::string change;                     // added, modified, deleted, renamed, copied, type-changed
  std::vector<std::string> owners;        // CODEOWNERS of the base revision, as codeowners-approval
  std::optional<DescribedBy> schema;      // Frictionless Table Schema (or its data package)
  std::optional<DescribedBy> manifest;    // DVC .dvc file or dvc.lock tracking the path
  std::optional<DescribedBy> model_card;  // README.md front matter or model_card.yaml
  std::string license;                    // as declared: data package, DVC meta, model card
  std::optional<Lineage> lineage;

  bool operator==(const InventoryItem&) const = default;
};

// Bounds that keep the signed statement small whatever the change.
inline constexpr size_t kMaxInventoryItems = 1000;
inline constexpr size_t kMaxInventoryList = 64;    // owners, lineage inputs
inline constexpr size_t kMaxInventoryText = 1024;  // bytes of one path, name or licence

struct Inventory {
  std::vector<InventoryItem> items;  // sorted by path
  size_t omitted = 0;                // items past kMaxInventoryItems, counted not listed
};

}  // namespace gate
