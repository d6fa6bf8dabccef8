#include "rules/data/json_table_reader.hpp"

#include "rules/data/jsonl_reader.hpp"
#include "rules/data/utf8.hpp"

namespace gate::data {

JsonTableReader::JsonTableReader(ByteStream& stream, std::vector<std::string> columns,
                                 ReaderLimits limits)
    : columns_(std::move(columns)) {
  for (size_t i = 0; i < columns_.size(); ++i) index_.emplace(columns_[i], i);
  std::string text;
  char buffer[1 << 16];
  while (size_t n = stream.read(buffer, sizeof buffer)) {
    if (text.size() + n > kMaxJsonTableBytes) {
      error_ = "larger than " + std::to_string(kMaxJsonTableBytes >> 20) +
               " MiB (write it as JSON Lines to have it checked)";
      return;
    }
    text.append(buffer, n);
  }
  if (!valid_utf8(text)) {
    error_ = "invalid UTF-8";
    return;
  }
  // The rows are one level below the document.
  if (json_depth(text, limits.max_json_depth + 1) > limits.max_json_depth + 1) {
    error_ = "nested deeper than " + std::to_string(limits.max_json_depth) + " levels";
    return;
  }
  try {
    doc_ = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    error_ = "invalid JSON at byte " + std::to_string(e.byte);
    return;
  } catch (const nlohmann::json::exception& e) {
    error_ = std::string("invalid JSON: ") + e.what();
    return;
  }
  if (!doc_.is_array()) {
    error_ = json_kind(doc_) + ", not an array of rows";
    return;
  }
  arrays_ = !doc_.empty() && doc_[0].is_array();
}

bool JsonTableReader::header(Row& row) {
  row.clear();
  if (!arrays_ || next_ != 0) return false;
  values_.clear();
  for (const auto& label : doc_[0]) values_.push_back(json_cell_text(label));
  next_ = 1;
  row.number = 1;
  row.line = 0;
  for (const auto& v : values_) row.fields.emplace_back(v);
  return true;
}

bool JsonTableReader::next(Row& row) {
  row.clear();
  if (error_ || next_ >= doc_.size()) return false;
  const nlohmann::json& item = doc_[next_];
  // Arrays: element k is row k + 1 (the header is element 0); objects: row k + 2 (the keys are
  // the header).
  row.number = arrays_ ? next_ + 1 : next_ + 2;
  row.line = 0;
  ++next_;
  if (arrays_) {
    values_.clear();
    if (!item.is_array()) {
      row.issues.push_back(
          {RowIssueKind::not_an_object, 0, json_kind(item) + ", not an array of cells"});
      row.unreadable = true;
      return true;
    }
    for (const auto& cell : item) {
      values_.push_back(cell.is_null() ? "" : json_cell_text(cell));
      if (cell.is_structured()) {
        row.issues.push_back({RowIssueKind::nested_value, values_.size(),
                              "a nested " + std::string(cell.type_name()) + " value"});
      }
    }
    for (const auto& v : values_) row.fields.emplace_back(v);
    return true;
  }
  values_.assign(columns_.size(), "");
  row.null_mask.assign(columns_.size(), 1);
  if (!item.is_object()) {
    row.issues.push_back({RowIssueKind::not_an_object, 0, json_kind(item) + ", not an object"});
    row.unreadable = true;
  } else {
    project_json_object(item, index_, values_, row);
  }
  for (const auto& v : values_) row.fields.emplace_back(v);
  return true;
}

}  // namespace gate::data
