#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gate/types/blob_source.hpp"
#include "rules/data/row.hpp"

namespace gate::data {

// Streaming JSON Lines reader: one JSON object a line, projected onto the named columns (the
// schema's fields). Memory is one bounded line plus the parsed object of that line: a line longer
// than ReaderLimits::max_record_bytes is skipped and reported, nesting deeper than max_json_depth
// is rejected before the JSON parser sees it. Values become text: strings as they are, numbers
// and booleans as JSON writes them, null or an absent key as a null cell. Blank lines are skipped.
class JsonLinesReader {
 public:
  JsonLinesReader(ByteStream& stream, std::vector<std::string> columns, ReaderLimits limits = {});

  bool next(Row& row);
  uint64_t bytes_consumed() const { return consumed_; }

 private:
  // Reads one physical line into line_; false at the end. Sets overflow when it was cut.
  bool read_line(bool& overflow);
  void project(const std::string& text, Row& row);

  ByteStream& stream_;
  std::vector<std::string> columns_;
  std::unordered_map<std::string, size_t> index_;
  ReaderLimits limits_;
  std::unique_ptr<char[]> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  uint64_t consumed_ = 0;
  bool eof_ = false;
  uint64_t line_number_ = 0;
  uint64_t records_ = 0;
  std::string line_;
  std::vector<std::string> values_;
};

// Puts the values of one JSON object into the columns `index` names (values as text, as the
// reader above does); keys that are no column and nested values become row issues.
void project_json_object(const nlohmann::json& object,
                         const std::unordered_map<std::string, size_t>& index,
                         std::vector<std::string>& values, Row& row);
// "an object", "an array", "a number", ...: a value's kind in a message.
std::string json_kind(const nlohmann::json& value);
// One JSON value as a cell: strings as they are, other scalars as JSON writes them.
std::string json_cell_text(const nlohmann::json& value);

// Deepest nesting of arrays and objects in a JSON text (strings are skipped), stopping early once
// `limit` is exceeded. Linear, no recursion: safe on hostile input.
size_t json_depth(std::string_view text, size_t limit);

}  // namespace gate::data
