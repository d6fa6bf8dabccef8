#include "rules/data/table_validator.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

#include <re2/re2.h>

#include "gate/types/redact.hpp"
#include "rules/data/csv_reader.hpp"
#include "rules/data/field_check.hpp"
#include "rules/data/fixed_pattern.hpp"
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
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      const Field& f = schema.fields[i];
      Column& column = columns_.emplace_back(f);
      column.key_part = std::find(in_key_.begin(), in_key_.end(), i) != in_key_.end();
      column.must_be_present = f.required || column.key_part;
      column.constrained = f.minimum || f.maximum || f.minimum_text || f.maximum_text ||
                           f.min_length || f.max_length || f.pattern || f.has_enum || f.unique;
      if (f.pattern) column.fixed_pattern = fixed_pattern_of(*f.pattern);
      column.unique = unique_[i].get();
    }
    only_empty_missing_ = schema.missing_values.size() == 1 && schema.missing_values[0].empty();
    missing_values_.assign(schema.missing_values.begin(), schema.missing_values.end());
    for (std::string_view value : missing_values_) {
      missing_sizes_ |= value.size() < 64 ? uint64_t{1} << value.size() : 0;
      long_missing_value_ |= value.size() >= 64;
    }
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
    // Most cells have a size no missing value has: no comparison needed.
    if (cell.size() < 64 ? !(missing_sizes_ >> cell.size() & 1) : !long_missing_value_) {
      return false;
    }
    for (std::string_view value : missing_values_) {
      if (value == cell) return true;
    }
    return false;
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

  // Cells are many and violations few: check_cell only tests, and report() (kept out of line)
  // builds the message.
  enum class Failure {
    missing,
    type,
    below,
    above,
    before,
    after,
    too_short,
    too_long,
    pattern,
    not_in_enum,
    repeated,
  };

  void check_cell(const Row& row, size_t i) {
    const Column& column = columns_[i];
    if (missing(row, i)) {
      if (column.must_be_present) report(row, i, Failure::missing);
      return;
    }
    std::string_view cell = row.fields[i];
    ParsedCell parsed;
    if (!column.parser.parse(cell, parsed)) return report(row, i, Failure::type);
    if (!column.constrained) return;
    const Field& field = *column.field;
    if (parsed.has_number) {
      if (field.minimum && parsed.number < *field.minimum) report(row, i, Failure::below);
      if (field.maximum && parsed.number > *field.maximum) report(row, i, Failure::above);
    }
    if (field.minimum_text && cell < *field.minimum_text) report(row, i, Failure::before);
    if (field.maximum_text && cell > *field.maximum_text) report(row, i, Failure::after);
    // A cell never has more code points than bytes, so its size alone clears most cells of a
    // maxLength. No such bound holds below: invalid UTF-8 can count fewer code points than size/4.
    bool may_be_long = field.max_length && cell.size() > *field.max_length;
    if (field.min_length || may_be_long) {
      size_t length = code_points(cell);
      if (field.min_length && length < *field.min_length)
        report(row, i, Failure::too_short, length);
      if (field.max_length && length > *field.max_length) report(row, i, Failure::too_long, length);
    }
    if (field.pattern) {
      const std::optional<FixedPattern>& fixed = column.fixed_pattern;
      if (fixed ? !fixed->full_match(cell)
                : !RE2::FullMatch(re2::StringPiece(cell.data(), cell.size()), *field.pattern)) {
        report(row, i, Failure::pattern);
      }
    }
    if (field.has_enum && !in_enum(field, cell, parsed)) report(row, i, Failure::not_in_enum);
    if (column.unique) {
      if (uint64_t first = column.unique->insert(hash_bytes(cell), row.number)) {
        report(row, i, Failure::repeated, first);
      }
    }
  }

  // `number`: the length in code points, or the first row of a repeated value.
  [[gnu::cold, gnu::noinline]] void report(const Row& row, size_t i, Failure failure,
                                           uint64_t number = 0) {
    const Field& field = schema_.fields[i];
    std::string_view cell = row.fields[i];
    switch (failure) {
      case Failure::missing:
        return violation(
            row, i,
            columns_[i].key_part ? "primary key value is missing" : "required value is missing",
            "required");
      case Failure::type: {
        std::string kind = field.format == "default" ? field.type_name
                                                     : field.type_name + " (" + field.format + ")";
        return violation(row, i, excerpt(cell) + " is not a valid " + kind, "type");
      }
      case Failure::below:
        return violation(row, i, excerpt(cell) + " is below the minimum " + fmt(*field.minimum),
                         "minimum");
      case Failure::above:
        return violation(row, i, excerpt(cell) + " is above the maximum " + fmt(*field.maximum),
                         "maximum");
      case Failure::before:
        return violation(row, i, excerpt(cell) + " is before the minimum " + *field.minimum_text,
                         "minimum");
      case Failure::after:
        return violation(row, i, excerpt(cell) + " is after the maximum " + *field.maximum_text,
                         "maximum");
      case Failure::too_short:
        return violation(row, i,
                         "length " + std::to_string(number) + " is below minLength " +
                             std::to_string(*field.min_length),
                         "minLength");
      case Failure::too_long:
        return violation(row, i,
                         "length " + std::to_string(number) + " is above maxLength " +
                             std::to_string(*field.max_length),
                         "maxLength");
      case Failure::pattern:
        return violation(row, i,
                         excerpt(cell) + " does not match pattern '" + field.pattern_text + "'",
                         "pattern");
      case Failure::not_in_enum:
        return violation(row, i, excerpt(cell) + " is not one of the enum values", "enum");
      case Failure::repeated:
        return violation(
            row, i,
            excerpt(cell) + " repeats the value of row " + std::to_string(number) + " (unique)",
            "unique");
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
    return one_of(field.enum_text, cell);
  }

  // The plain fixed-length form of a pattern, when it has one under the options it was built with.
  static std::optional<FixedPattern> fixed_pattern_of(const RE2& pattern) {
    const RE2::Options& options = pattern.options();
    if (!options.case_sensitive() || options.literal() || options.posix_syntax()) {
      return std::nullopt;
    }
    return FixedPattern::parse(pattern.pattern());
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
  // What check_cell needs of a field, worked out once and kept together.
  struct Column {
    explicit Column(const Field& f) : field(&f), parser(f) {}
    const Field* field;
    CellParser parser;
    std::optional<FixedPattern> fixed_pattern;  // the pattern, when a plain one
    KeySet* unique = nullptr;                   // owned by unique_
    bool key_part = false;                      // part of the primary key
    bool must_be_present = false;               // required or part of the key
    bool constrained = false;                   // has a check beyond its type
  };
  std::vector<Column> columns_;
  bool only_empty_missing_ = true;
  std::vector<std::string_view> missing_values_;  // views of the schema's strings
  uint64_t missing_sizes_ = 0;                    // bit n: some missing value has n bytes
  bool long_missing_value_ = false;               // some missing value has 64 bytes or more
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
