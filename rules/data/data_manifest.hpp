#pragma once

#include "rules/registry.hpp"

namespace gate::rules {

// data-manifest: DVC `.dvc` files and `dvc.lock` in the change are well-formed, match the data
// when it is present (repository or workspace), carry the required `meta:` keys; data files
// neither tracked by a manifest nor described by a schema are reported.
RuleType data_manifest_type();

}  // namespace gate::rules
