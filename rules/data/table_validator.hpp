#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "gate/types/blob_source.hpp"
#include "rules/data/dialect_reader.hpp"
#include "rules/data/field_check.hpp"
#include "rules/data/row.hpp"
#include "rules/data/table_schema.hpp"

namespace gate::data {

// `json`: a Frictionless json resource (an array of rows), read only when a descriptor declares
// it; a `.json` file is no table by its name.
enum class TableFormat { csv, tsv, jsonl, json };

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

// The values of another resource that a foreign key points at: hashes of the referenced fields'
// typed values (see key_hash), by resource name and reference fields joined with ','.
struct ReferencedValues {
  std::string resource;
  std::vector<std::string> fields;
  std::unordered_set<uint64_t> keys;
  bool complete = true;   // false: too many distinct keys were seen, the check is skipped
  std::string unchecked;  // why the key cannot be checked at all (e.g. no data package)
};

// Streams the table once and checks it against the schema: header, field count, types,
// constraints, uniqueness and primary key. Memory: the reader's bounded buffers plus the key sets.
// `delimiter` overrides the format's (a data package dialect); 0 keeps ',' for CSV, tab for TSV.
ValidationResult validate_table(ByteStream& stream, TableFormat format, const TableSchema& schema,
                                const ValidationLimits& limits, char delimiter = 0);
// The same with a resource's whole CSV dialect (header, quoting, escapes, comments) and the values
// its foreign keys to other resources point at (keys to the table itself are checked in the pass).
ValidationResult validate_table(ByteStream& stream, TableFormat format, const TableSchema& schema,
                                const ValidationLimits& limits, const CsvDialect& dialect,
                                const std::vector<ReferencedValues>& references = {});

// The hash a unique, primary or foreign key compares: values as their type reads them, so 1 and
// 01 are the same integer.
uint64_t key_hash(std::string_view cell, const ParsedCell& parsed);

// Collects the typed values of `fields` of a table (another resource a foreign key names).
ReferencedValues collect_referenced(ByteStream& stream, TableFormat format,
                                    const TableSchema& schema, const CsvDialect& dialect,
                                    const std::string& resource,
                                    const std::vector<std::string>& fields,
                                    const ValidationLimits& limits);

// The table format of a path by its extension (.csv, .tsv, .tab, .jsonl, .ndjson).
std::optional<TableFormat> table_format_of(std::string_view path);

// A cell value as it may appear in a message: at most 40 bytes, control characters escaped.
std::string excerpt(std::string_view value);

}  // namespace gate::data
