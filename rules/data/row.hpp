#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gate::data {

// Bounds that keep every tabular reader in constant memory whatever the input holds.
struct ReaderLimits {
  size_t max_field_bytes = 1 << 20;   // a longer field is truncated and reported
  size_t max_record_bytes = 8 << 20;  // all fields of one record together
  size_t max_fields = 4096;           // further fields of a record are dropped and reported
  size_t max_json_depth = 64;         // JSON Lines: deeper nesting is rejected before parsing
};

enum class RowIssueKind {
  field_too_large,
  record_too_large,
  too_many_fields,
  unterminated_quote,
  stray_quote,
  nul_byte,
  invalid_utf8,
  invalid_json,
  not_an_object,
  too_deep,
  nested_value,
  unknown_key,
};

std::string_view to_string(RowIssueKind kind);

// A problem of the bytes of a record (as opposed to a schema violation of its values).
struct RowIssue {
  RowIssueKind kind;
  size_t column = 0;  // 1-based; 0 when it concerns the whole record
  std::string detail;
};

// One record of a table. Views point into the reader's buffer: valid until the next read.
struct Row {
  uint64_t number = 0;  // 1-based record number; for CSV the header is row 1 (Frictionless)
  uint64_t line = 0;    // physical line where the record starts (1-based)
  std::vector<std::string_view> fields;
  // JSON Lines only: 1 where the value is null or the key absent (CSV leaves it empty).
  std::vector<uint8_t> null_mask;
  std::vector<RowIssue> issues;
  bool unreadable = false;  // the record could not be read at all: its values are not judged

  bool is_null(size_t index) const { return index < null_mask.size() && null_mask[index] != 0; }
  void clear() {
    fields.clear();
    null_mask.clear();
    issues.clear();
    unreadable = false;
  }
};

}  // namespace gate::data
