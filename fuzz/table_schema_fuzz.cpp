// Fuzz target: Table Schema documents (as found in datapackage.json or *.schema.json). A bad
// schema must be a SchemaError, nothing else; a good one must validate a small table.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gate/types/blob_source.hpp"
#include "rules/data/table_schema.hpp"
#include "rules/data/table_validator.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  gate::data::TableSchema schema;
  try {
    schema = gate::data::parse_table_schema_text(text);
  } catch (const gate::data::SchemaError&) {
    return 0;
  }
  std::string table;
  for (const auto& field : schema.fields) table += (table.empty() ? "" : ",") + field.name;
  table += "\n1,2024-01-01,x,true,,NA\n-5,abc,2024-01-01T00:00:00Z,1999,0\n";
  gate::data::ValidationLimits limits;
  auto stream = gate::stream_over(table);
  gate::data::validate_table(*stream, gate::data::TableFormat::csv, schema, limits);
  return 0;
}
