// Fuzz target: the streaming CSV reader and the Table Schema validator over arbitrary bytes.
// The first byte picks the delimiter; the read limits are small so truncation paths run too.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gate/types/blob_source.hpp"
#include "rules/data/csv_reader.hpp"
#include "rules/data/table_schema.hpp"
#include "rules/data/table_validator.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  char delimiter = (data[0] & 1) ? '\t' : ',';
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  gate::data::ReaderLimits limits;
  limits.max_field_bytes = 64;
  limits.max_record_bytes = 512;
  limits.max_fields = 16;
  {
    auto stream = gate::stream_over(text);
    gate::data::CsvReader reader(*stream, delimiter, limits);
    gate::data::Row row;
    while (reader.next(row)) {
      for (auto field : row.fields) {
        if (field.size() > limits.max_field_bytes) __builtin_trap();
      }
    }
  }
  static const gate::data::TableSchema schema = gate::data::parse_table_schema_text(R"({
    "fields": [
      {"name": "id", "type": "integer", "constraints": {"unique": true, "minimum": 0}},
      {"name": "when", "type": "datetime"},
      {"name": "name", "constraints": {"pattern": "[a-z]+", "maxLength": 8}}
    ],
    "primaryKey": ["id", "name"]
  })");
  gate::data::ValidationLimits validation;
  validation.reader = limits;
  validation.max_unique_keys = 64;
  auto stream = gate::stream_over(std::move(text));
  gate::data::validate_table(*stream, gate::data::TableFormat::csv, schema, validation, delimiter);
  return 0;
}
