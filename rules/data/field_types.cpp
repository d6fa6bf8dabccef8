#include "rules/data/field_types.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "rules/data/jsonl_reader.hpp"

namespace gate::data {

namespace {

constexpr size_t kMaxCellJsonDepth = 32;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool equals_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return days[month - 1] + (month == 2 && leap(year) ? 1 : 0);
}

constexpr std::array<std::string_view, 12> kMonths = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};
constexpr std::array<std::string_view, 7> kWeekdays = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

// Reads between `min` and `max` digits at `pos` (Python strptime reads greedily up to max).
bool read_number(std::string_view text, size_t& pos, size_t min, size_t max, int& value) {
  size_t start = pos;
  value = 0;
  while (pos < text.size() && pos - start < max && is_digit(text[pos])) {
    value = value * 10 + (text[pos++] - '0');
  }
  return pos - start >= min;
}

// A month or weekday name, full or its three-letter abbreviation, at `pos`; its 1-based index.
template <size_t N>
int read_name(std::string_view text, size_t& pos, const std::array<std::string_view, N>& names,
              bool full) {
  for (size_t i = 0; i < N; ++i) {
    std::string_view name = full ? names[i] : names[i].substr(0, 3);
    if (pos + name.size() <= text.size() && equals_nocase(text.substr(pos, name.size()), name)) {
      pos += name.size();
      return static_cast<int>(i) + 1;
    }
  }
  return 0;
}

}  // namespace

bool matches_strptime(std::string_view format, std::string_view text) {
  if (format.substr(0, 4) == "fmt:") format.remove_prefix(4);
  int year = 1900, month = 1, day = 1, hour = 0, minute = 0, second = 0, hour12 = -1;
  int yday = -1;
  bool pm = false, have_ampm = false;
  size_t pos = 0;
  for (size_t f = 0; f < format.size(); ++f) {
    char c = format[f];
    if (is_space(c)) {
      while (f + 1 < format.size() && is_space(format[f + 1])) ++f;
      size_t start = pos;
      while (pos < text.size() && is_space(text[pos])) ++pos;
      (void)start;  // Python: whitespace in the format matches zero or more whitespace
      continue;
    }
    if (c != '%') {
      if (pos >= text.size() || lower(text[pos]) != lower(c)) return false;
      ++pos;
      continue;
    }
    if (++f >= format.size()) return false;  // a lone % is a bad directive
    int value = 0;
    switch (format[f]) {
      case 'd':
        if (!read_number(text, pos, 1, 2, day) || day < 1 || day > 31) return false;
        break;
      case 'm':
        if (!read_number(text, pos, 1, 2, month) || month < 1 || month > 12) return false;
        break;
      case 'y':
        if (!read_number(text, pos, 2, 2, value)) return false;
        year = value < 69 ? 2000 + value : 1900 + value;
        break;
      case 'Y':
        if (!read_number(text, pos, 4, 4, year)) return false;
        break;
      case 'H':
        if (!read_number(text, pos, 1, 2, hour) || hour > 23) return false;
        break;
      case 'I':
        if (!read_number(text, pos, 1, 2, hour12) || hour12 < 1 || hour12 > 12) return false;
        break;
      case 'M':
        if (!read_number(text, pos, 1, 2, minute) || minute > 59) return false;
        break;
      case 'S':
        if (!read_number(text, pos, 1, 2, second) || second > 61) return false;
        break;
      case 'f':
        if (!read_number(text, pos, 1, 6, value)) return false;
        break;
      case 'j':
        if (!read_number(text, pos, 1, 3, yday) || yday < 1 || yday > 366) return false;
        break;
      case 'p':
        if (pos + 2 > text.size()) return false;
        if (equals_nocase(text.substr(pos, 2), "am")) {
          pm = false;
        } else if (equals_nocase(text.substr(pos, 2), "pm")) {
          pm = true;
        } else {
          return false;
        }
        have_ampm = true;
        pos += 2;
        break;
      case 'b':
      case 'B':
        if (!(month = read_name(text, pos, kMonths, format[f] == 'B'))) return false;
        break;
      case 'a':
      case 'A':
        if (!read_name(text, pos, kWeekdays, format[f] == 'A')) return false;
        break;
      case 'z': {
        if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
          ++pos;
          break;
        }
        if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return false;
        ++pos;
        int hh = 0, mm = 0;
        if (!read_number(text, pos, 2, 2, hh)) return false;
        if (pos < text.size() && text[pos] == ':') ++pos;
        if (!read_number(text, pos, 2, 2, mm) || hh > 23 || mm > 59) return false;
        break;
      }
      case 'Z': {
        size_t start = pos;
        while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos]))) ++pos;
        if (pos == start) return false;
        break;
      }
      case '%':
        if (pos >= text.size() || text[pos] != '%') return false;
        ++pos;
        break;
      default:
        return false;  // Python: "bad directive" (the format itself is wrong)
    }
  }
  if (pos != text.size()) return false;  // Python: "unconverted data remains"
  if (hour12 >= 0) hour = hour12 % 12 + (have_ampm && pm ? 12 : 0);
  (void)hour;
  (void)minute;
  (void)second;
  if (yday > 0) return yday <= (leap(year) ? 366 : 365);
  return day <= days_in(year, month);
}

bool valid_time(std::string_view text) {
  size_t pos = 0;
  int h = 0, m = 0, s = 0;
  if (!read_number(text, pos, 2, 2, h) || pos >= text.size() || text[pos++] != ':') return false;
  if (!read_number(text, pos, 2, 2, m) || pos >= text.size() || text[pos++] != ':') return false;
  if (!read_number(text, pos, 2, 2, s) || h > 23 || m > 59 || s > 60) return false;
  if (pos < text.size() && text[pos] == '.') {
    size_t start = ++pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos == start) return false;
  }
  if (pos == text.size()) return true;
  if (text[pos] == 'Z') return pos + 1 == text.size();
  if (text[pos] != '+' && text[pos] != '-') return false;
  ++pos;
  int oh = 0, om = 0;
  if (!read_number(text, pos, 2, 2, oh)) return false;
  if (pos < text.size() && text[pos] == ':') ++pos;
  if (!read_number(text, pos, 2, 2, om)) return false;
  return pos == text.size() && oh <= 23 && om <= 59;
}

bool valid_loose_date(std::string_view text, bool need_time) {
  static constexpr std::array<std::string_view, 12> kWords = {
      "am", "pm", "a.m.", "p.m.", "at", "on", "of", "and", "t", "z", "utc", "gmt"};
  bool any_number = false;
  size_t pos = 0;
  while (pos < text.size()) {
    char c = text[pos];
    if (is_digit(c)) {
      while (pos < text.size() && is_digit(text[pos])) ++pos;
      any_number = true;
      // An ordinal suffix belongs to the number: 1st, 2nd, 3rd, 10th.
      static constexpr std::array<std::string_view, 4> kSuffixes = {"st", "nd", "rd", "th"};
      for (std::string_view suffix : kSuffixes) {
        if (pos + 2 <= text.size() && equals_nocase(text.substr(pos, 2), suffix) &&
            (pos + 2 == text.size() || !std::isalpha(static_cast<unsigned char>(text[pos + 2])))) {
          pos += 2;
          break;
        }
      }
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(c))) {
      size_t start = pos;
      while (pos < text.size() &&
             (std::isalpha(static_cast<unsigned char>(text[pos])) || text[pos] == '.')) {
        ++pos;
      }
      std::string_view word = text.substr(start, pos - start);
      while (!word.empty() && word.back() == '.') word.remove_suffix(1);
      bool known = false;
      for (std::string_view w : kWords) known = known || equals_nocase(word, w);
      if (!need_time) {
        for (size_t i = 0; i < 12 && !known; ++i) {
          known = equals_nocase(word, kMonths[i]) || equals_nocase(word, kMonths[i].substr(0, 3));
        }
        for (size_t i = 0; i < 7 && !known; ++i) {
          known =
              equals_nocase(word, kWeekdays[i]) || equals_nocase(word, kWeekdays[i].substr(0, 3));
        }
      }
      if (!known) return false;
      continue;
    }
    if (c == ' ' || c == ',' || c == '-' || c == '/' || c == ':' || c == '.' || c == '+') {
      ++pos;
      continue;
    }
    return false;
  }
  return any_number;
}

bool valid_duration(std::string_view text) {
  if (text.size() < 2 || text[0] != 'P') return false;
  static constexpr std::string_view kDate = "YMWD";
  static constexpr std::string_view kTime = "HMS";
  size_t pos = 1;
  size_t next_unit = 0;  // index into the current unit list: components in order
  bool in_time = false, any = false, time_any = false;
  while (pos < text.size()) {
    if (text[pos] == 'T') {
      if (in_time) return false;
      in_time = true;
      next_unit = 0;
      ++pos;
      continue;
    }
    size_t start = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      while (pos < text.size() && is_digit(text[pos])) ++pos;
    }
    if (pos == start || pos >= text.size()) return false;
    std::string_view units = in_time ? kTime : kDate;
    size_t unit = units.find(text[pos], next_unit);
    if (unit == std::string_view::npos) return false;
    next_unit = unit + 1;
    any = true;
    time_any = time_any || in_time;
    ++pos;
  }
  return any && (!in_time || time_any);
}

bool valid_yearmonth(std::string_view text) {
  size_t pos = 0;
  int year = 0, month = 0;
  if (!read_number(text, pos, 4, 4, year) || pos >= text.size() || text[pos++] != '-') {
    return false;
  }
  return read_number(text, pos, 1, 2, month) && pos == text.size() && month >= 1 && month <= 12;
}

namespace {

std::optional<nlohmann::json> parse_cell_json(std::string_view text) {
  if (json_depth(text, kMaxCellJsonDepth) > kMaxCellJsonDepth) return std::nullopt;
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

bool lon_lat(double lon, double lat) {
  return lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90;
}

bool parse_double(std::string_view text, double& value) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

bool is_position_list(const nlohmann::json& value, int depth) {
  if (!value.is_array()) return false;
  if (depth == 0) {
    if (value.size() < 2) return false;
    for (const auto& n : value) {
      if (!n.is_number()) return false;
    }
    return true;
  }
  for (const auto& item : value) {
    if (!is_position_list(item, depth - 1)) return false;
  }
  return true;
}

bool is_geometry(const nlohmann::json& value) {
  if (!value.is_object() || !value.contains("type") || !value["type"].is_string()) return false;
  const std::string& type = value["type"].get_ref<const std::string&>();
  if (type == "GeometryCollection") {
    if (!value.contains("geometries") || !value["geometries"].is_array()) return false;
    for (const auto& g : value["geometries"]) {
      if (!is_geometry(g)) return false;
    }
    return true;
  }
  static const std::array<std::pair<std::string_view, int>, 6> kDepths = {{{"Point", 0},
                                                                           {"MultiPoint", 1},
                                                                           {"LineString", 1},
                                                                           {"MultiLineString", 2},
                                                                           {"Polygon", 2},
                                                                           {"MultiPolygon", 3}}};
  for (const auto& [name, depth] : kDepths) {
    if (type == name) {
      return value.contains("coordinates") && is_position_list(value["coordinates"], depth);
    }
  }
  return false;
}

bool is_feature(const nlohmann::json& value) {
  if (!value.is_object() || value.value("type", "") != "Feature") return false;
  if (!value.contains("geometry") || !value.contains("properties")) return false;
  const auto& geometry = value["geometry"];
  const auto& properties = value["properties"];
  return (geometry.is_null() || is_geometry(geometry)) &&
         (properties.is_null() || properties.is_object());
}

}  // namespace

bool valid_geopoint(std::string_view text, GeoFormat format) {
  if (format == GeoFormat::point_text) {
    size_t comma = text.find(',');
    if (comma == std::string_view::npos) return false;
    double lon = 0, lat = 0;
    return parse_double(text.substr(0, comma), lon) && parse_double(text.substr(comma + 1), lat) &&
           lon_lat(lon, lat);
  }
  auto value = parse_cell_json(text);
  if (!value) return false;
  if (format == GeoFormat::array) {
    return value->is_array() && value->size() == 2 && (*value)[0].is_number() &&
           (*value)[1].is_number() && lon_lat((*value)[0].get<double>(), (*value)[1].get<double>());
  }
  if (!value->is_object() || value->size() != 2 || !value->contains("lon") ||
      !value->contains("lat") || !(*value)["lon"].is_number() || !(*value)["lat"].is_number()) {
    return false;
  }
  return lon_lat((*value)["lon"].get<double>(), (*value)["lat"].get<double>());
}

bool valid_geojson(std::string_view text, bool topojson) {
  auto value = parse_cell_json(text);
  if (!value || !value->is_object()) return false;
  if (topojson) return value->contains("type") && (*value)["type"].is_string();
  if (value->value("type", "") == "FeatureCollection") {
    if (!value->contains("features") || !(*value)["features"].is_array()) return false;
    for (const auto& feature : (*value)["features"]) {
      if (!is_feature(feature)) return false;
    }
    return true;
  }
  return is_feature(*value) || is_geometry(*value);
}

bool valid_json_container(std::string_view text, bool want_object) {
  auto value = parse_cell_json(text);
  return value && (want_object ? value->is_object() : value->is_array());
}

namespace {

class WktParser {
 public:
  explicit WktParser(std::string_view text) : text_(text) {}

  bool parse() {
    if (!geometry(0)) return false;
    skip();
    return pos_ == text_.size();
  }

 private:
  static constexpr int kMaxDepth = 16;

  void skip() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }
  bool peek(char c) {
    skip();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  std::string_view word() {
    skip();
    size_t start = pos_;
    while (pos_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  bool geometry(int depth) {
    std::string_view keyword = word();
    if (keyword.empty() || depth > kMaxDepth) return false;
    size_t mark = pos_;
    std::string_view next = word();
    if (equals_nocase(next, "Z") || equals_nocase(next, "M") || equals_nocase(next, "ZM")) {
      mark = pos_;
      next = word();
    }
    if (equals_nocase(next, "EMPTY")) return true;
    pos_ = mark;
    return list(depth + 1);
  }

  // '(' item (',' item)* ')', an item being coordinates, a nested list or a geometry.
  bool list(int depth) {
    if (depth > kMaxDepth || !peek('(')) return false;
    ++pos_;
    do {
      skip();
      if (peek('(')) {
        if (!list(depth + 1)) return false;
      } else if (pos_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos_]))) {
        if (!geometry(depth + 1)) return false;
      } else if (!coordinates()) {
        return false;
      }
      skip();
    } while (pos_ < text_.size() && text_[pos_] == ',' && ++pos_);
    if (!peek(')')) return false;
    ++pos_;
    return true;
  }

  bool coordinates() {
    size_t count = 0;
    for (;;) {
      skip();
      size_t start = pos_;
      while (pos_ < text_.size() &&
             (is_digit(text_[pos_]) || text_[pos_] == '.' || text_[pos_] == '-' ||
              text_[pos_] == '+' || text_[pos_] == 'e' || text_[pos_] == 'E')) {
        ++pos_;
      }
      if (pos_ == start) break;
      double value = 0;
      if (!parse_double(text_.substr(start, pos_ - start), value)) return false;
      ++count;
    }
    return count >= 2;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

bool valid_wkt(std::string_view text) { return WktParser(text).parse(); }

}  // namespace gate::data
