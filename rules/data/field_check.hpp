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

}  // namespace gate::data
