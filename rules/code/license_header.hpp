#pragma once

#include "rules/registry.hpp"

namespace gate::rules {

// license-header: new (or changed) source files carry an SPDX-License-Identifier whose licenses
// are on an allowed list, following REUSE: a header comment, a `<file>.license` sidecar, or an
// annotation in REUSE.toml or .reuse/dep5.
RuleType license_header_type();

}  // namespace gate::rules
