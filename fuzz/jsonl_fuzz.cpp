// Fuzz target: the JSON Lines reader, the JSON table reader (a Frictionless `json` resource: an
// array of arrays or of objects) and the validator over arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gate/types/blob_source.hpp"
#include "rules/data/table_schema.hpp"
#include "rules/data/table_validator.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const gate::data::TableSchema schema = gate::data::parse_table_schema_text(R"({
    "fields": [
      {"name": "id", "type": "integer", "constraints": {"required": true, "unique": true}},
      {"name": "score", "type": "number", "constraints": {"maximum": 1}},
      {"name": "tag", "constraints": {"enum": ["a", "b"]}}
    ]
  })");
  gate::data::ValidationLimits limits;
  limits.reader.max_record_bytes = 4096;
  limits.reader.max_json_depth = 16;
  limits.max_unique_keys = 64;
  std::string text(reinterpret_cast<const char*>(data), size);
  for (auto format : {gate::data::TableFormat::jsonl, gate::data::TableFormat::json}) {
    auto stream = gate::stream_over(text);
    gate::data::validate_table(*stream, format, schema, limits);
  }
  return 0;
}
