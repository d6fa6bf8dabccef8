// Fuzz target: two versions of a schema (Table Schema or JSON Schema) as a data-contract change
// compares them, separated by a NUL byte. Any input must give a list of changes or a SchemaError,
// never a crash, and comparing a schema with itself must find no change.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "rules/data/schema_diff.hpp"
#include "rules/data/table_schema.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  size_t split = text.find('\0');
  std::string first = text.substr(0, split);
  std::string second = split == std::string::npos ? first : text.substr(split + 1);
  nlohmann::json before;
  nlohmann::json after;
  try {
    before = gate::data::parse_bounded_json(first);
    after = gate::data::parse_bounded_json(second);
  } catch (const gate::data::SchemaError&) {
    return 0;
  }
  try {
    gate::data::diff_schemas(before, after);
    if (!gate::data::diff_schemas(before, before).empty()) std::abort();
  } catch (const gate::data::SchemaError&) {
  }
  return 0;
}
