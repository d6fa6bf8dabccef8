#include "rules/data/jsonl_reader.hpp"

#include <algorithm>
#include <cstring>

#include <nlohmann/json.hpp>

#include "rules/data/utf8.hpp"

namespace gate::data {

namespace {
constexpr size_t kBufferSize = 256 * 1024;
constexpr size_t kMaxUnknownKeysReported = 8;
}  // namespace

size_t json_depth(std::string_view text, size_t limit) {
  size_t depth = 0;
  size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

JsonLinesReader::JsonLinesReader(ByteStream& stream, std::vector<std::string> columns,
                                 ReaderLimits limits)
    : stream_(stream),
      columns_(std::move(columns)),
      limits_(limits),
      buffer_(std::make_unique<char[]>(kBufferSize)),
      values_(columns_.size()) {
  for (size_t i = 0; i < columns_.size(); ++i) index_.emplace(columns_[i], i);
}

bool JsonLinesReader::read_line(bool& overflow) {
  line_.clear();
  overflow = false;
  bool any = false;
  for (;;) {
    if (pos_ == end_) {
      if (eof_) return any;
      size_t n = stream_.read(buffer_.get(), kBufferSize);
      if (n == 0) {
        eof_ = true;
        return any;
      }
      pos_ = 0;
      end_ = n;
      consumed_ += n;
    }
    any = true;
    const char* start = buffer_.get() + pos_;
    const void* newline = std::memchr(start, '\n', end_ - pos_);
    size_t take = newline ? static_cast<const char*>(newline) - start : end_ - pos_;
    size_t room =
        limits_.max_record_bytes > line_.size() ? limits_.max_record_bytes - line_.size() : 0;
    if (take > room) overflow = true;
    line_.append(start, std::min(take, room));
    pos_ += take;
    if (newline) {
      ++pos_;
      return true;
    }
  }
}

void JsonLinesReader::project(const std::string& text, Row& row) {
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    row.issues.push_back(
        {RowIssueKind::invalid_json, 0, "invalid JSON at byte " + std::to_string(e.byte)});
    row.unreadable = true;
    return;
  } catch (const nlohmann::json::exception&) {  // e.g. a number out of range
    row.issues.push_back({RowIssueKind::invalid_json, 0, "invalid JSON: number out of range"});
    row.unreadable = true;
    return;
  }
  if (!value.is_object()) {
    row.issues.push_back({RowIssueKind::not_an_object, 0, json_kind(value) + ", not an object"});
    row.unreadable = true;
    return;
  }
  project_json_object(value, index_, values_, row);
}

std::string json_kind(const nlohmann::json& value) {
  std::string type = value.type_name();
  return (type == "object" || type == "array" ? "an " : "a ") + type;
}

std::string json_cell_text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

void project_json_object(const nlohmann::json& object,
                         const std::unordered_map<std::string, size_t>& index,
                         std::vector<std::string>& values, Row& row) {
  size_t unknown = 0;
  for (auto& [key, item] : object.items()) {
    auto it = index.find(key);
    if (it == index.end()) {
      if (++unknown <= kMaxUnknownKeysReported) {
        row.issues.push_back({RowIssueKind::unknown_key, 0, "key '" + key + "' is not a field"});
      }
      continue;
    }
    size_t column = it->second;
    if (item.is_null()) continue;
    row.null_mask[column] = 0;
    values[column] = json_cell_text(item);
    if (item.is_structured()) {
      row.issues.push_back({RowIssueKind::nested_value, column + 1,
                            "a nested " + std::string(item.type_name()) + " value"});
    }
  }
}

bool JsonLinesReader::next(Row& row) {
  row.clear();
  bool overflow = false;
  for (;;) {
    if (!read_line(overflow)) return false;
    ++line_number_;
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    bool blank = std::all_of(line_.begin(), line_.end(),
                             [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
    if (!blank || overflow) break;
  }
  row.number = ++records_;
  row.line = line_number_;
  for (auto& v : values_) v.clear();
  row.null_mask.assign(columns_.size(), 1);
  row.unreadable = true;
  if (overflow) {
    row.issues.push_back(
        {RowIssueKind::record_too_large, 0,
         "line longer than " + std::to_string(limits_.max_record_bytes) + " bytes; not checked"});
  } else if (!valid_utf8(line_)) {
    row.issues.push_back({RowIssueKind::invalid_utf8, 0, "invalid UTF-8"});
  } else if (size_t depth = json_depth(line_, limits_.max_json_depth);
             depth > limits_.max_json_depth) {
    row.issues.push_back(
        {RowIssueKind::too_deep, 0,
         "nested deeper than " + std::to_string(limits_.max_json_depth) + " levels; not parsed"});
  } else {
    row.unreadable = false;
    project(line_, row);
  }
  for (size_t i = 0; i < columns_.size(); ++i) row.fields.emplace_back(values_[i]);
  return true;
}

}  // namespace gate::data
