#include "rules/data/table_validator.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

#include <re2/re2.h>

#include "gate/types/redact.hpp"
#include "rules/data/csv_reader.hpp"
#include "rules/data/field_check.hpp"
#include "rules/data/jsonl_reader.hpp"
#include "rules/data/key_set.hpp"
#include "rules/data/utf8.hpp"

namespace gate::data {

std::string excerpt(std::string_view value) {
  constexpr size_t kMax = 40;
  bool cut = value.size() > kMax;
  if (cut) {
    size_t end = kMax;
    while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) --end;
    value = value.substr(0, end);
  }
  std::string out = "'";
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7F) ? '?' : c;
  }
  out += cut ? "...'" : "'";
  return out;
}

namespace {

class Validator {
 public:
  Validator(const TableSchema& schema, const ValidationLimits& limits, ValidationResult& result)
      : schema_(schema), limits_(limits), result_(result) {
    for (const Field& field : schema.fields) {
      unique_.push_back(field.unique ? std::make_unique<KeySet>(limits.max_unique_keys) : nullptr);
    }
    if (!schema.primary_key.empty()) {
      primary_ = std::make_unique<KeySet>(limits.max_unique_keys);
      for (size_t i : schema.primary_key) in_key_.push_back(i);
    }
    only_empty_missing_ = schema.missing_values.size() == 1 && schema.missing_values[0].empty();
  }

  void header(const Row& row) {
    report_issues(row);
    const auto& fields = schema_.fields;
    if (row.fields.size() != fields.size()) {
      add(row, 0, "",
          "header has " + std::to_string(row.fields.size()) + " columns but the schema has " +
              std::to_string(fields.size()) + " fields",
          "header-count");
    }
    size_t n = std::min(row.fields.size(), fields.size());
    for (size_t i = 0; i < n; ++i) {
      if (row.fields[i] != fields[i].name) {
        add(row, i + 1, fields[i].name,
            "header " + excerpt(row.fields[i]) + " does not match field '" + fields[i].name + "'",
            "header:" + fields[i].name);
      }
    }
  }

  void record(const Row& row) {
    ++result_.rows;
    report_issues(row);
    if (row.unreadable) return;
    const auto& fields = schema_.fields;
    if (row.fields.size() != fields.size()) {
      add(row, 0, "",
          "row has " + std::to_string(row.fields.size()) + " values but the schema has " +
              std::to_string(fields.size()) + " fields",
          "field-count");
    }
    size_t n = std::min(row.fields.size(), fields.size());
    for (size_t i = 0; i < n; ++i) check_cell(row, i);
    if (primary_) check_primary_key(row);
  }

  void finish() {
    for (size_t i = 0; i < unique_.size(); ++i) {
      if (unique_[i] && unique_[i]->full()) {
        result_.notes.push_back("unique check of field '" + schema_.fields[i].name +
                                "' is incomplete: only the first " +
                                std::to_string(limits_.max_unique_keys) +
                                " distinct values were kept (max-unique-keys)");
      }
    }
    if (primary_ && primary_->full()) {
      result_.notes.push_back("primary key check is incomplete: only the first " +
                              std::to_string(limits_.max_unique_keys) +
                              " distinct keys were kept (max-unique-keys)");
    }
  }

 private:
  bool missing(const Row& row, size_t i) const {
    if (row.is_null(i)) return true;
    std::string_view cell = row.fields[i];
    if (only_empty_missing_) return cell.empty();
    return std::find(schema_.missing_values.begin(), schema_.missing_values.end(), cell) !=
           schema_.missing_values.end();
  }

  bool full() {
    if (result_.violations.size() < limits_.max_findings) return false;
    ++result_.suppressed;
    return true;
  }

  void add(const Row& row, size_t column, const std::string& field, const std::string& what,
           std::string basis) {
    if (full()) return;
    std::string where = "row " + std::to_string(row.number);
    if (column > 0) where += ", column " + std::to_string(column);
    if (!field.empty()) where += " (field '" + field + "')";
    result_.violations.push_back(
        {row.number, row.line, column, field, where + ": " + what, std::move(basis)});
  }

  void report_issues(const Row& row) {
    for (const RowIssue& issue : row.issues) {
      std::string field;
      if (issue.column > 0 && issue.column <= schema_.fields.size()) {
        field = schema_.fields[issue.column - 1].name;
      }
      add(row, issue.column, field, issue.detail, std::string(to_string(issue.kind)) + ":" + field);
    }
  }

  void violation(const Row& row, size_t i, const std::string& what, const std::string& constraint) {
    if (full()) return;
    const Field& field = schema_.fields[i];
    add(row, i + 1, field.name, what,
        constraint + ":" + field.name + ":" + sha256_hex(row.fields[i]));
  }

  void check_cell(const Row& row, size_t i) {
    const Field& field = schema_.fields[i];
    bool key_part = std::find(in_key_.begin(), in_key_.end(), i) != in_key_.end();
    if (missing(row, i)) {
      if (field.required || key_part) {
        violation(row, i, key_part ? "primary key value is missing" : "required value is missing",
                  "required");
      }
      return;
    }
    std::string_view cell = row.fields[i];
    ParsedCell parsed;
    if (!parse_cell(field, cell, parsed)) {
      std::string kind =
          field.format == "default" ? field.type_name : field.type_name + " (" + field.format + ")";
      violation(row, i, excerpt(cell) + " is not a valid " + kind, "type");
      return;
    }
    if (parsed.has_number) {
      if (field.minimum && parsed.number < *field.minimum) {
        violation(row, i, excerpt(cell) + " is below the minimum " + fmt(*field.minimum),
                  "minimum");
      }
      if (field.maximum && parsed.number > *field.maximum) {
        violation(row, i, excerpt(cell) + " is above the maximum " + fmt(*field.maximum),
                  "maximum");
      }
    }
    if (field.minimum_text && cell < *field.minimum_text) {
      violation(row, i, excerpt(cell) + " is before the minimum " + *field.minimum_text, "minimum");
    }
    if (field.maximum_text && cell > *field.maximum_text) {
      violation(row, i, excerpt(cell) + " is after the maximum " + *field.maximum_text, "maximum");
    }
    if (field.min_length || field.max_length) {
      size_t length = code_points(cell);
      if (field.min_length && length < *field.min_length) {
        violation(row, i,
                  "length " + std::to_string(length) + " is below minLength " +
                      std::to_string(*field.min_length),
                  "minLength");
      }
      if (field.max_length && length > *field.max_length) {
        violation(row, i,
                  "length " + std::to_string(length) + " is above maxLength " +
                      std::to_string(*field.max_length),
                  "maxLength");
      }
    }
    if (field.pattern &&
        !RE2::FullMatch(re2::StringPiece(cell.data(), cell.size()), *field.pattern)) {
      violation(row, i, excerpt(cell) + " does not match pattern '" + field.pattern_text + "'",
                "pattern");
    }
    if (field.has_enum && !in_enum(field, cell, parsed)) {
      violation(row, i, excerpt(cell) + " is not one of the enum values", "enum");
    }
    if (unique_[i]) {
      if (uint64_t first = unique_[i]->insert(hash_bytes(cell), row.number)) {
        violation(
            row, i,
            excerpt(cell) + " repeats the value of row " + std::to_string(first) + " (unique)",
            "unique");
      }
    }
  }

  void check_primary_key(const Row& row) {
    uint64_t key = 0;
    for (size_t i : in_key_) {
      if (i >= row.fields.size() || missing(row, i)) return;  // reported as missing
      key = hash_combine(key, hash_bytes(row.fields[i]));
    }
    if (uint64_t first = primary_->insert(key, row.number)) {
      std::string names;
      std::string values;
      for (size_t i : in_key_) {
        names += (names.empty() ? "" : ", ") + schema_.fields[i].name;
        values += row.fields[i];
        values += '\x1f';
      }
      add(row, 0, "", "primary key (" + names + ") repeats row " + std::to_string(first),
          "primaryKey:" + sha256_hex(values));
    }
  }

  static bool in_enum(const Field& field, std::string_view cell, const ParsedCell& parsed) {
    if (parsed.has_number && !field.enum_numbers.empty()) {
      return std::find(field.enum_numbers.begin(), field.enum_numbers.end(), parsed.number) !=
             field.enum_numbers.end();
    }
    return std::find(field.enum_text.begin(), field.enum_text.end(), cell) != field.enum_text.end();
  }

  static std::string fmt(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", value);
    return buffer;
  }

  const TableSchema& schema_;
  const ValidationLimits& limits_;
  ValidationResult& result_;
  std::vector<std::unique_ptr<KeySet>> unique_;
  std::unique_ptr<KeySet> primary_;
  std::vector<size_t> in_key_;
  bool only_empty_missing_ = true;
};

}  // namespace

std::optional<TableFormat> table_format_of(std::string_view path) {
  auto ends = [&](std::string_view suffix) {
    if (path.size() < suffix.size()) return false;
    std::string_view tail = path.substr(path.size() - suffix.size());
    for (size_t i = 0; i < suffix.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(tail[i])) != suffix[i]) return false;
    }
    return true;
  };
  if (ends(".csv")) return TableFormat::csv;
  if (ends(".tsv") || ends(".tab")) return TableFormat::tsv;
  if (ends(".jsonl") || ends(".ndjson")) return TableFormat::jsonl;
  return std::nullopt;
}

ValidationResult validate_table(ByteStream& stream, TableFormat format, const TableSchema& schema,
                                const ValidationLimits& limits, char delimiter) {
  ValidationResult result;
  Validator validator(schema, limits, result);
  Row row;
  if (format == TableFormat::jsonl) {
    std::vector<std::string> columns;
    for (const Field& field : schema.fields) columns.push_back(field.name);
    JsonLinesReader reader(stream, std::move(columns), limits.reader);
    while (reader.next(row)) validator.record(row);
  } else {
    if (delimiter == 0) delimiter = format == TableFormat::tsv ? '\t' : ',';
    CsvReader reader(stream, delimiter, limits.reader);
    if (!reader.next(row)) {
      result.violations.push_back({0, 0, 0, "", "the file is empty: no header row", "empty"});
      return result;
    }
    validator.header(row);
    while (reader.next(row)) validator.record(row);
  }
  validator.finish();
  return result;
}

}  // namespace gate::data
