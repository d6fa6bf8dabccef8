#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace gate::data {

// Which readers a schema change must keep working, as schema registries name the modes:
//   backward: the new schema accepts every table valid under the old one (old data still reads);
//   forward:  the old schema accepts every table valid under the new one (old consumers still
//             read new data);
//   full:     both; none: nothing is checked.
enum class Compatibility { none, backward, forward, full };
std::string_view to_string(Compatibility mode);
// "none", "backward", "forward", "full"; false for anything else.
bool parse_compatibility(std::string_view text, Compatibility& mode);

// One difference between two versions of a schema and whom it breaks. Fields are compared by
// name, as consumers read tables, so reordering fields is no change.
struct SchemaChange {
  std::string subject;  // "field 'age'", "primary key", "property 'user.email'"
  std::string what;     // "removed", "type integer -> string (widened)", ...
  bool breaks_backward = false;
  bool breaks_forward = false;

  bool breaks(Compatibility mode) const;
  std::string describe() const;  // "field 'age': removed"
};

// The kind of schema document, told by its content.
enum class SchemaKind { table_schema, json_schema, unknown };
SchemaKind schema_kind(const nlohmann::json& document);

// Frictionless Table Schema (fields, constraints, missingValues, primaryKey, foreignKeys).
std::vector<SchemaChange> diff_table_schemas(const nlohmann::json& before,
                                             const nlohmann::json& after);
// JSON Schema of the records of a JSON Lines file (properties, required, type, enum, bounds,
// additionalProperties; nested objects and array items).
std::vector<SchemaChange> diff_json_schemas(const nlohmann::json& before,
                                            const nlohmann::json& after);
// Either of the above, by the kinds of the two documents; a change of kind breaks both ways.
std::vector<SchemaChange> diff_schemas(const nlohmann::json& before, const nlohmann::json& after);

}  // namespace gate::data
