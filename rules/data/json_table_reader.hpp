#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/types/blob_source.hpp"
#include "rules/data/row.hpp"

namespace gate::data {

inline constexpr size_t kMaxJsonTableBytes = size_t{16} << 20;

// A Frictionless `json` resource: one JSON document, an array of rows. Either an array of arrays
// whose first is the header (row 1; data rows from 2, cells by position, as in CSV), or an array
// of objects (keys are the header, row 1; objects from row 2, values by field name, as in JSON
// Lines). The document is read whole (at most kMaxJsonTableBytes, nesting bounded before
// parsing); rows have no physical line (0).
class JsonTableReader {
 public:
  JsonTableReader(ByteStream& stream, std::vector<std::string> columns, ReaderLimits limits = {});

  // Why the document cannot be read as a table; nullopt when it can.
  const std::optional<std::string>& error() const { return error_; }
  // Array of arrays: the header row (true), its labels in `row.fields`.
  bool header(Row& row);
  bool next(Row& row);

 private:
  std::vector<std::string> columns_;
  std::unordered_map<std::string, size_t> index_;
  std::optional<std::string> error_;
  nlohmann::json doc_;
  bool arrays_ = false;
  size_t next_ = 0;
  std::vector<std::string> values_;
};

}  // namespace gate::data
