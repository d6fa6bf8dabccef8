#include "rules/data/field_check.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <string>

#include "rules/data/field_types.hpp"

namespace gate::data {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Reads exactly `count` digits at `pos`.
bool digits(std::string_view text, size_t pos, size_t count, int& value) {
  if (pos + count > text.size()) return false;
  value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i])) return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

// Two digits at `at`, the caller having checked the size; -1 when they are not digits.
int two_digits(const char* at) {
  unsigned tens = static_cast<unsigned char>(at[0]) - '0';
  unsigned ones = static_cast<unsigned char>(at[1]) - '0';
  return tens < 10 && ones < 10 ? static_cast<int>(tens * 10 + ones) : -1;
}

bool leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

bool valid_ymd(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int high = two_digits(text.data());
  int low = two_digits(text.data() + 2);
  int m = two_digits(text.data() + 5);
  int d = two_digits(text.data() + 8);
  if (high < 0 || low < 0 || m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d <= 28) return true;  // every month has 28 days: the year matters only for Feb 29
  return d <= days[m - 1] + (m == 2 && leap(high * 100 + low) ? 1 : 0);
}

// Python's int() and Decimal() ignore surrounding whitespace, and so does frictionless-py.
std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// bareNumber: false drops what surrounds the number ("$12", "12 %", "EUR -3"): frictionless-py
// removes ^[^-\d]* and \D*$.
std::string_view strip_non_numeric(std::string_view text) {
  size_t start = 0;
  while (start < text.size() && text[start] != '-' && !is_digit(text[start])) ++start;
  size_t end = text.size();
  while (end > start && !is_digit(text[end - 1])) --end;
  return text.substr(start, end - start);
}

bool parse_number_with_options(const Field& field, std::string_view cell, ParsedCell& parsed) {
  if (!field.bare_number) cell = strip_non_numeric(cell);
  // One pass: group characters dropped, the decimal character turned into '.'; a '.' that is
  // not the decimal character makes the value invalid (frictionless-py).
  const std::string& group = field.group_char;
  const std::string& decimal = field.decimal_char;
  std::string text;
  text.reserve(cell.size());
  for (size_t i = 0; i < cell.size();) {
    if (!group.empty() && cell.substr(i, group.size()) == group) {
      i += group.size();
    } else if (decimal != "." && cell.substr(i, decimal.size()) == decimal) {
      text.push_back('.');
      i += decimal.size();
    } else if (decimal != "." && cell[i] == '.') {
      return false;
    } else {
      text.push_back(cell[i++]);
    }
  }
  if (field.type == FieldType::integer) return parse_integer(text, parsed);
  return parse_number(text, parsed);
}

bool valid_email(std::string_view text) {
  size_t at = text.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= text.size()) return false;
  if (text.find('@', at + 1) != std::string_view::npos) return false;
  if (std::any_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; })) {
    return false;
  }
  return text.find('.', at) != std::string_view::npos;
}

bool valid_uri(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= text.size()) return false;
  if (!std::isalpha(static_cast<unsigned char>(text[0]))) return false;
  for (size_t i = 1; i < colon; ++i) {
    char c = text[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '.' && c != '-') {
      return false;
    }
  }
  return text.find(' ') == std::string_view::npos;
}

bool valid_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !is_hex(text[i])) return false;
  }
  return true;
}

bool valid_base64(std::string_view text) {
  if (text.size() % 4 != 0) return false;
  size_t padding = 0;
  for (char c : text) {
    if (c == '=') {
      ++padding;
    } else if (padding > 0 ||
               !(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/')) {
      return false;
    }
  }
  return padding <= 2;
}

// "-?d+(.d+)?" with at most 15 digits, the usual form of a number in a table: its value is the
// exact quotient of two exactly representable doubles (the digits, below 2^53, and a power of ten
// up to 10^15), which IEEE division rounds once, to nearest, just as from_chars rounds the decimal.
// Anything else is left to from_chars.
bool plain_decimal(std::string_view text, double& value) {
  static constexpr double kPowersOfTen[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                            1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  size_t i = text[0] == '-' ? 1 : 0;
  const size_t integer_start = i;
  uint64_t digits = 0;
  while (i < text.size() && is_digit(text[i])) digits = digits * 10 + (text[i++] - '0');
  const size_t integer_digits = i - integer_start;
  size_t fraction_digits = 0;
  if (i < text.size()) {
    if (text[i] != '.') return false;
    const size_t fraction_start = ++i;
    while (i < text.size() && is_digit(text[i])) digits = digits * 10 + (text[i++] - '0');
    fraction_digits = i - fraction_start;
    if (fraction_digits == 0 || i != text.size()) return false;
  }
  // Checked after the loops: more than 15 digits may have wrapped `digits`, and is refused here.
  if (integer_digits == 0 || integer_digits + fraction_digits > 15) return false;
  double magnitude = static_cast<double>(digits) / kPowersOfTen[fraction_digits];
  value = text[0] == '-' ? -magnitude : magnitude;
  return true;
}

}  // namespace

bool valid_date(std::string_view text) { return valid_ymd(text); }

bool parse_integer(std::string_view text, ParsedCell& parsed) {
  if (!text.empty() && (text.front() == ' ' || text.back() == ' ')) text = trim_spaces(text);
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty() || (text[0] == '-' && text.size() == 1)) return false;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    // Python integers have no bound: all digits is an integer, compared as its nearest double.
    std::string_view body = text[0] == '-' ? text.substr(1) : text;
    if (!std::all_of(body.begin(), body.end(), is_digit)) return false;
    double approximate = 0;
    std::from_chars(text.data(), text.data() + text.size(), approximate);
    parsed.number = approximate;
    parsed.has_number = true;
    return true;
  }
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  parsed.number = static_cast<double>(value);
  parsed.has_number = true;
  return true;
}

bool parse_number(std::string_view text, ParsedCell& parsed) {
  if (!text.empty() && (text.front() == ' ' || text.back() == ' ')) text = trim_spaces(text);
  if (text == "NaN" || text == "INF" || text == "-INF" || text == "+INF") {
    parsed.has_number = false;  // valid, but not comparable with bounds
    return true;
  }
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  if (plain_decimal(text, parsed.number)) {
    parsed.has_number = true;
    return true;
  }
  // Only plain decimal and exponent forms: from_chars alone would accept "inf" and "nan".
  for (char c : text) {
    if (!is_digit(c) && c != '.' && c != '-' && c != 'e' && c != 'E' && c != '+') return false;
  }
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  parsed.number = value;
  parsed.has_number = true;
  return true;
}

bool valid_datetime(std::string_view text) {
  // The date, 'T', then the time with its optional fraction and offset.
  return text.size() >= 19 && valid_ymd(text.substr(0, 10)) && text[10] == 'T' &&
         valid_time(text.substr(11));
}

CellParser::CellParser(const Field& field) : field_(&field) {
  std::string_view format = field.format;
  switch (field.type) {
    case FieldType::any:
      kind_ = Kind::always_valid;
      break;
    case FieldType::string:
      if (format != "email" && format != "uri" && format != "uuid" && format != "binary" &&
          format != "wkt") {
        kind_ = Kind::always_valid;
      }
      break;
    case FieldType::integer:
      if (!field.number_options) kind_ = Kind::integer;
      break;
    case FieldType::number:
      if (!field.number_options) kind_ = Kind::number;
      break;
    case FieldType::date:
      if (format == "default") kind_ = Kind::date;
      break;
    case FieldType::datetime:
      if (format == "default") kind_ = Kind::datetime;
      break;
    case FieldType::boolean:
      kind_ = Kind::boolean;
      break;
    default:
      break;
  }
}

bool parse_cell(const Field& field, std::string_view cell, ParsedCell& parsed) {
  parsed = ParsedCell{};
  switch (field.type) {
    case FieldType::any:
      return true;
    case FieldType::string: {
      std::string_view format = field.format;  // compared as views: sizes first, no strlen
      if (format == "default") return true;
      if (format == "email") return valid_email(cell);
      if (format == "uri") return valid_uri(cell);
      if (format == "uuid") return valid_uuid(cell);
      if (format == "binary") return valid_base64(cell);
      if (format == "wkt") return valid_wkt(cell);
      return true;
    }
    case FieldType::integer:
      if (field.number_options) return parse_number_with_options(field, cell, parsed);
      return parse_integer(cell, parsed);
    case FieldType::number:
      if (field.number_options) return parse_number_with_options(field, cell, parsed);
      return parse_number(cell, parsed);
    case FieldType::boolean:
      return one_of(field.true_values, cell) || one_of(field.false_values, cell);
    case FieldType::date:
    case FieldType::datetime:
    case FieldType::time: {
      std::string_view format = field.format;
      if (format == "any") return valid_loose_date(cell, field.type == FieldType::time);
      if (format != "default") return matches_strptime(format, cell);
      if (field.type == FieldType::date) return valid_ymd(cell);
      return field.type == FieldType::datetime ? valid_datetime(cell) : valid_time(cell);
    }
    case FieldType::yearmonth:
      return valid_yearmonth(cell);
    case FieldType::duration:
      return valid_duration(cell);
    case FieldType::geopoint: {
      std::string_view format = field.format;
      return valid_geopoint(cell, format == "array"    ? GeoFormat::array
                                  : format == "object" ? GeoFormat::object
                                                       : GeoFormat::point_text);
    }
    case FieldType::geojson:
      return valid_geojson(cell, std::string_view(field.format) == "topojson");
    case FieldType::object:
    case FieldType::array:
      return valid_json_container(cell, field.type == FieldType::object);
    case FieldType::list: {
      if (!field.item) return true;
      ParsedCell item;
      size_t start = 0;
      for (;;) {
        size_t end = cell.find(field.list_delimiter, start);
        std::string_view part =
            cell.substr(start, end == std::string_view::npos ? end : end - start);
        if (!parse_cell(*field.item, part, item)) return false;
        if (end == std::string_view::npos) return true;
        start = end + field.list_delimiter.size();
      }
    }
    case FieldType::year: {
      int year;
      bool negative = !cell.empty() && cell[0] == '-';
      std::string_view body = negative ? cell.substr(1) : cell;
      if (body.size() != 4 || !digits(body, 0, 4, year)) return false;
      parsed.number = negative ? -year : year;
      parsed.has_number = true;
      return true;
    }
  }
  return false;
}

}  // namespace gate::data
