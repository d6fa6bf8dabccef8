#pragma once

#include "rules/registry.hpp"

namespace gate::rules {

// data-schema: CSV, TSV and JSON Lines files in the change are validated, streaming, against a
// Frictionless Table Schema (from datapackage.json, a *.schema.json beside the file, or the rule).
RuleType data_schema_type();

}  // namespace gate::rules
