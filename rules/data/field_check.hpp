#pragma once

#include <string_view>

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
      case Kind::other:
        break;
    }
    return parse_cell(*field_, cell, parsed);
  }

 private:
  enum class Kind { always_valid, integer, number, date, datetime, other };
  const Field* field_;
  Kind kind_ = Kind::other;
};

}  // namespace gate::data
