#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace re2 {
class RE2;
}

namespace gate::data {

// A Frictionless Table Schema that cannot be used (bad JSON, unknown type, bad pattern, ...).
// Rules report it as a finding on the schema's file: the schema is content under review.
class SchemaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class FieldType {
  string,
  integer,
  number,
  boolean,
  date,
  datetime,
  year,
  any,
  time,
  yearmonth,
  duration,
  geopoint,
  geojson,
  object,
  array,
  list,
};
std::string_view to_string(FieldType type);

struct Field {
  std::string name;
  FieldType type = FieldType::string;
  std::string type_name = "string";  // as written (types Gate does not check are read as `any`)
  std::string format = "default";
  // integer and number: "1,000" with groupChar ",", "1.000,5" with decimalChar ",", "$12"
  // and "12 %" when bareNumber is false.
  bool bare_number = true;
  std::string group_char;
  std::string decimal_char = ".";
  bool number_options = false;  // any of the three was given
  bool required = false;
  bool unique = false;
  std::optional<double> minimum;  // integer, number, year
  std::optional<double> maximum;
  std::optional<double> exclusive_minimum;  // v2
  std::optional<double> exclusive_maximum;
  std::optional<std::vector<std::string>> missing_values;  // v2: the field's own, if given
  std::shared_ptr<const Field> item;                       // list: the type of each item
  std::string list_delimiter = ",";
  std::optional<std::string> minimum_text;  // date, datetime: ISO text, compared in order
  std::optional<std::string> maximum_text;
  std::optional<size_t> min_length;  // in code points (strings) or characters
  std::optional<size_t> max_length;
  std::shared_ptr<const re2::RE2> pattern;  // must match the whole value
  std::string pattern_text;
  bool has_enum = false;
  std::vector<std::string> enum_text;  // textual forms of the allowed values
  std::vector<double> enum_numbers;    // numeric forms, for numeric fields
  std::vector<std::string> true_values{"true", "True", "TRUE", "1"};
  std::vector<std::string> false_values{"false", "False", "FALSE", "0"};
};

// foreignKeys: the values of `fields` must appear in `reference_fields` of `resource` ("" is the
// table itself), unless `external` (another data package, which Gate does not fetch).
struct ForeignKey {
  std::vector<size_t> fields;  // indexes into the schema's fields
  std::string resource;
  std::vector<std::string> reference_fields;
  bool external = false;
};

// How header labels are matched to fields (Table Schema v2 `fieldsMatch`).
enum class FieldsMatch { exact, equal, subset, superset, partial };

struct TableSchema {
  std::vector<Field> fields;
  std::vector<size_t> primary_key;  // indexes into fields
  std::vector<ForeignKey> foreign_keys;
  std::vector<std::vector<size_t>> unique_keys;  // v2 uniqueKeys: each a set of fields
  FieldsMatch fields_match = FieldsMatch::exact;
  std::vector<std::string> missing_values{""};
  std::vector<std::string> notes;  // what Gate cannot check in this schema (unsupported types)
};

// Limits on schema documents read from a repository.
inline constexpr size_t kMaxSchemaBytes = 1 << 20;
inline constexpr size_t kMaxSchemaDepth = 32;
inline constexpr size_t kMaxSchemaFields = 4096;

// Reads a Table Schema (the `schema` object of a data package resource, or a *.schema.json).
// Throws SchemaError naming the offending field or property.
TableSchema parse_table_schema(const nlohmann::json& schema);
// Parses JSON text first, with size and nesting bounded (hostile documents stay cheap).
nlohmann::json parse_bounded_json(std::string_view text, size_t max_depth = kMaxSchemaDepth);
TableSchema parse_table_schema_text(std::string_view text);

}  // namespace gate::data
