#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/data/table_schema.hpp"

namespace gate::data {

struct ParsedCell {
  double number = 0;  // integer, number and year values (for minimum, maximum, enum)
  bool has_number = false;
};

// Whether `cell` is a valid value of the field's type and format (Frictionless rules, default
// formats). Fills `parsed` with the numeric value where there is one. No allocation.
bool parse_cell(const Field& field, std::string_view cell, ParsedCell& parsed);

// ISO 8601 checks used by the date and datetime types.
bool valid_date(std::string_view text);      // YYYY-MM-DD
bool valid_datetime(std::string_view text);  // YYYY-MM-DDThh:mm:ss[.f][Z|+hh:mm]

// Whether `cell` is one of `values` (enum and boolean lists: a few short strings). Compared in
// line, sizes first: a memcmp call per candidate cost more than the comparison.
inline bool one_of(const std::vector<std::string>& values, std::string_view cell) {
  for (const std::string& value : values) {
    if (value.size() != cell.size()) continue;
    size_t i = 0;
    while (i < cell.size() && value[i] == cell[i]) ++i;
    if (i == cell.size()) return true;
  }
  return false;
}

// The integer and number types (default formats), as parse_cell checks them.
bool parse_integer(std::string_view text, ParsedCell& parsed);
bool parse_number(std::string_view text, ParsedCell& parsed);

// parse_cell for one field, its type and format looked at once rather than on every cell. The
// field must outlive the parser.
class CellParser {
 public:
  explicit CellParser(const Field& field);

  bool parse(std::string_view cell, ParsedCell& parsed) const {
    parsed = ParsedCell{};
    switch (kind_) {
      case Kind::always_valid:
        return true;
      case Kind::integer:
        return parse_integer(cell, parsed);
      case Kind::number:
        return parse_number(cell, parsed);
      case Kind::date:
        return valid_date(cell);
      case Kind::datetime:
        return valid_datetime(cell);
      case Kind::boolean:
        return one_of(field_->true_values, cell) || one_of(field_->false_values, cell);
      case Kind::other:
        break;
    }
    return parse_cell(*field_, cell, parsed);
  }

 private:
  enum class Kind { always_valid, integer, number, date, datetime, boolean, other };
  const Field* field_;
  Kind kind_ = Kind::other;
};

}  // namespace gate::data
