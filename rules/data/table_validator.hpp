#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/types/blob_source.hpp"
#include "rules/data/row.hpp"
#include "rules/data/table_schema.hpp"

namespace gate::data {

enum class TableFormat { csv, tsv, jsonl };

struct ValidationLimits {
  size_t max_findings = 50;           // per file; the rest are counted, not listed
  uint64_t max_unique_keys = 500000;  // per unique field and for the primary key
  ReaderLimits reader;
};

// One problem of a table: where it is and what is wrong.
struct Violation {
  uint64_t row = 0;     // record number (CSV: the header is row 1); 0 for the whole file
  uint64_t line = 0;    // physical line where the record starts
  size_t column = 0;    // 1-based; 0 when it concerns the whole record
  std::string field;    // schema field name, when known
  std::string message;  // complete, one line, names row, column and field
  std::string basis;    // stable identity for the fingerprint (no row number)
};

struct ValidationResult {
  std::vector<Violation> violations;
  uint64_t suppressed = 0;         // violations past max_findings
  uint64_t rows = 0;               // data records read
  std::vector<std::string> notes;  // checks that stopped or could not run
};

// Streams the table once and checks it against the schema: header, field count, types,
// constraints, uniqueness and primary key. Memory: the reader's bounded buffers plus the key sets.
// `delimiter` overrides the format's (a data package dialect); 0 keeps ',' for CSV, tab for TSV.
ValidationResult validate_table(ByteStream& stream, TableFormat format, const TableSchema& schema,
                                const ValidationLimits& limits, char delimiter = 0);

// The table format of a path by its extension (.csv, .tsv, .tab, .jsonl, .ndjson).
std::optional<TableFormat> table_format_of(std::string_view path);

// A cell value as it may appear in a message: at most 40 bytes, control characters escaped.
std::string excerpt(std::string_view value);

}  // namespace gate::data
