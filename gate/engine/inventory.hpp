#pragma once

#include "gate/types/blob_source.hpp"
#include "gate/types/changeset.hpp"
#include "gate/types/inventory.hpp"
#include "gate/types/policy.hpp"

namespace gate {

// The datasets and models of a change, with what the repository says about each (gather stage:
// reads the trees through `blobs`). Datasets are the changed files of the `data` asset class and
// the outputs of changed `.dvc` files; models the changed files of the `model` asset class but
// their cards and metadata (README.md, *.json, *.yaml, ...). Each item gets its CODEOWNERS
// owners (base revision), Table Schema, DVC manifest, licence, model card and lineage (DVC
// stage deps, else the card's datasets and base model). Bounded (kMaxInventoryItems); a
// descriptor that cannot be read leaves its field out, never fails the run.
Inventory gather_inventory(const Policy& policy, const ChangeSet& change, const BlobSource& blobs);

}  // namespace gate
