#include "rules/data/table_validator.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <optional>

#include <re2/re2.h>

#include "gate/types/redact.hpp"
#include "rules/data/csv_reader.hpp"
#include "rules/data/dialect_reader.hpp"
#include "rules/data/field_check.hpp"
#include "rules/data/fixed_pattern.hpp"
#include "rules/data/json_table_reader.hpp"
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

uint64_t key_hash(std::string_view cell, const ParsedCell& parsed) {
  if (!parsed.has_number) return hash_bytes(cell);
  double number = parsed.number == 0 ? 0.0 : parsed.number;  // -0 is 0
  char bytes[1 + sizeof number];
  bytes[0] = '\x01';  // apart from any text of the same bytes
  std::memcpy(bytes + 1, &number, sizeof number);
  return hash_bytes(std::string_view(bytes, sizeof bytes));
}

namespace {

class Validator {
 public:
  Validator(const TableSchema& schema, const ValidationLimits& limits, ValidationResult& result,
            const std::vector<ReferencedValues>& references = {}, bool tsv = false)
      : schema_(schema), limits_(limits), result_(result) {
    plan_foreign_keys(references);
    for (size_t k = 0; k < schema.unique_keys.size(); ++k) {
      unique_keys_.push_back(std::make_unique<KeySet>(limits.max_unique_keys));
    }
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
      column.constrained = f.minimum || f.maximum || f.exclusive_minimum || f.exclusive_maximum ||
                           f.minimum_text || f.maximum_text || f.min_length || f.max_length ||
                           f.pattern || f.has_enum || f.unique;
      if (f.pattern) column.fixed_pattern = fixed_pattern_of(*f.pattern);
      column.unique = unique_[i].get();
    }
    missing_values_.assign(schema.missing_values.begin(), schema.missing_values.end());
    if (tsv) missing_values_.emplace_back("\\N");  // the null of TSV (PostgreSQL, MySQL dumps)
    only_empty_missing_ = missing_values_.size() == 1 && missing_values_[0].empty();
    for (std::string_view value : missing_values_) {
      missing_sizes_ |= value.size() < 64 ? uint64_t{1} << value.size() : 0;
      long_missing_value_ |= value.size() >= 64;
    }
  }

  void header(const Row& row) {
    report_issues(row);
    const auto& fields = schema_.fields;
    if (schema_.fields_match != FieldsMatch::exact) return match_by_name(row);
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

  // fieldsMatch other than exact: labels are mapped to fields by name; which may be absent or
  // extra depends on the mode.
  void match_by_name(const Row& row) {
    const auto& fields = schema_.fields;
    FieldsMatch mode = schema_.fields_match;
    by_name_ = true;
    column_of_.assign(fields.size(), SIZE_MAX);
    size_t common = 0;
    for (size_t i = 0; i < fields.size(); ++i) {
      for (size_t c = 0; c < row.fields.size(); ++c) {
        if (row.fields[c] == fields[i].name) column_of_[i] = c;
      }
      if (column_of_[i] != SIZE_MAX) {
        ++common;
      } else if (mode == FieldsMatch::equal || mode == FieldsMatch::subset) {
        add(row, 0, fields[i].name, "missing header label for field '" + fields[i].name + "'",
            "label-missing:" + fields[i].name);
      }
    }
    if (mode == FieldsMatch::equal || mode == FieldsMatch::superset) {
      for (size_t c = 0; c < row.fields.size(); ++c) {
        if (std::none_of(column_of_.begin(), column_of_.end(),
                         [&](size_t mapped) { return mapped == c; })) {
          add(row, c + 1, "", "header label " + excerpt(row.fields[c]) + " is not a field",
              "label-extra:" + std::string(row.fields[c]));
        }
      }
    }
    if (mode == FieldsMatch::partial && common == 0) {
      add(row, 0, "", "no header label names a field of the schema", "label-none");
    }
  }

  void blank_row(uint64_t number) {
    Row row;
    row.number = row.line = number;
    add(row, 0, "", "blank row", "blank-row");
  }

  void record(const Row& row) {
    if (by_name_) {
      // Cells moved to their field's position; absent fields read as null.
      mapped_.clear();
      mapped_.number = row.number;
      mapped_.line = row.line;
      mapped_.issues = row.issues;
      mapped_.unreadable = row.unreadable;
      for (size_t column : column_of_) {
        bool present = column < row.fields.size();
        mapped_.fields.push_back(present ? row.fields[column] : std::string_view());
        mapped_.null_mask.push_back(present ? 0 : 1);
      }
      return check_record(mapped_, false);
    }
    check_record(row, true);
  }

  void check_record(const Row& row, bool positional) {
    ++result_.rows;
    report_issues(row);
    if (row.unreadable) return;
    const auto& fields = schema_.fields;
    // A row of empty cells only is a blank row (Frictionless): nothing else is said of it.
    if (!row.fields.empty() && row.null_mask.empty() &&
        std::all_of(row.fields.begin(), row.fields.end(),
                    [](std::string_view cell) { return cell.empty(); }) &&
        (row.fields.size() > 1 || fields.size() <= 1)) {
      return blank_row(row.number);
    }
    if (positional && row.fields.size() != fields.size()) {
      add(row, 0, "",
          "row has " + std::to_string(row.fields.size()) + " values but the schema has " +
              std::to_string(fields.size()) + " fields",
          "field-count");
    }
    size_t n = std::min(row.fields.size(), fields.size());
    for (size_t i = 0; i < n; ++i) check_cell(row, i);
    for (size_t i = n; i < fields.size(); ++i) {
      if (columns_[i].must_be_present) {
        add(row, i + 1, fields[i].name, "required value is missing (the row has no such cell)",
            "required:" + fields[i].name);
      }
    }
    if (primary_) check_primary_key(row);
    if (!unique_keys_.empty()) check_unique_keys(row);
    if (!keys_.empty()) check_foreign_keys(row);
  }

  void finish() {
    for (KeyCheck& key : keys_) {
      if (!key.self) continue;
      for (const auto& [number, hash] : key.pending) {
        if (!key.own.count(hash)) foreign_key_violation(key, number, hash);
      }
      if (key.overflow) {
        result_.notes.push_back("foreign key (" + key.names +
                                ") check is incomplete: only the first " +
                                std::to_string(limits_.max_unique_keys) + " values were kept");
      }
    }
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
    if (const auto& own = schema_.fields[i].missing_values) {
      return std::find(own->begin(), own->end(), cell) != own->end();
    }
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
      if (issue.kind == RowIssueKind::nested_value && issue.column > 0 &&
          issue.column <= schema_.fields.size() && takes_json(schema_.fields[issue.column - 1])) {
        continue;  // a JSON Lines object or array is what an object, array or geo field holds
      }
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
    exclusive,
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
      if ((field.exclusive_minimum && parsed.number <= *field.exclusive_minimum) ||
          (field.exclusive_maximum && parsed.number >= *field.exclusive_maximum)) {
        report(row, i, Failure::exclusive);
      }
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
      if (uint64_t first = column.unique->insert(value_hash(cell, parsed), row.number)) {
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
      case Failure::exclusive:
        return violation(
            row, i, excerpt(cell) + " is not strictly within the exclusive bounds of the field",
            "exclusive");
      case Failure::not_in_enum:
        return violation(row, i, excerpt(cell) + " is not one of the enum values", "enum");
      case Failure::repeated:
        return violation(
            row, i,
            excerpt(cell) + " repeats the value of row " + std::to_string(number) + " (unique)",
            "unique");
    }
  }

  static uint64_t value_hash(std::string_view cell, const ParsedCell& parsed) {
    return key_hash(cell, parsed);
  }

  void check_primary_key(const Row& row) {
    uint64_t key = 0;
    for (size_t i : in_key_) {
      if (i >= row.fields.size() || missing(row, i)) return;  // reported as missing
      ParsedCell parsed;
      if (!columns_[i].parser.parse(row.fields[i], parsed)) parsed = ParsedCell{};
      key = hash_combine(key, value_hash(row.fields[i], parsed));
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

  struct KeyCheck {
    std::vector<size_t> fields;
    std::vector<size_t> self_target;           // referenced fields of this table
    const ReferencedValues* target = nullptr;  // referenced values of another resource
    bool self = false;
    std::unordered_set<uint64_t> own;                    // self: referenced values seen so far
    std::vector<std::pair<uint64_t, uint64_t>> pending;  // self: (row, key) checked at the end
    bool overflow = false;
    std::string names;
    std::string target_text;
  };

  void plan_foreign_keys(const std::vector<ReferencedValues>& references) {
    for (const ForeignKey& fk : schema_.foreign_keys) {
      KeyCheck key;
      key.fields = fk.fields;
      for (size_t i : fk.fields)
        key.names += (key.names.empty() ? "" : ", ") + schema_.fields[i].name;
      std::string referenced;
      for (const auto& name : fk.reference_fields)
        referenced += (referenced.empty() ? "" : ", ") + name;
      if (fk.external) {
        result_.notes.push_back("foreign key (" + key.names +
                                ") points into another data package, which Gate does not fetch: "
                                "not checked");
        continue;
      }
      if (fk.resource.empty()) {
        key.self = true;
        key.target_text = "field(s) " + referenced + " of this table";
        bool known = true;
        for (const auto& name : fk.reference_fields) {
          size_t i = 0;
          while (i < schema_.fields.size() && schema_.fields[i].name != name) ++i;
          known = known && i < schema_.fields.size();
          key.self_target.push_back(i);
        }
        if (!known) {
          result_.violations.push_back({0, 0, 0, "",
                                        "foreign key (" + key.names + ") references '" +
                                            referenced + "', which is not a field of this table",
                                        "foreign-key-schema"});
          continue;
        }
      } else {
        key.target_text = "field(s) " + referenced + " of resource '" + fk.resource + "'";
        for (const auto& values : references) {
          if (values.resource == fk.resource && values.fields == fk.reference_fields)
            key.target = &values;
        }
        if (!key.target) {
          result_.violations.push_back(
              {0, 0, 0, "",
               "foreign key (" + key.names + ") references resource '" + fk.resource +
                   "', which the data package does not have or Gate cannot read",
               "foreign-key-resource"});
          continue;
        }
        if (!key.target->unchecked.empty()) {
          result_.notes.push_back("foreign key (" + key.names + ") to resource '" + fk.resource +
                                  "' is not checked: " + key.target->unchecked);
          continue;
        }
        if (!key.target->complete) {
          result_.notes.push_back("foreign key (" + key.names + ") is not checked: resource '" +
                                  fk.resource + "' has more distinct keys than max-unique-keys");
          continue;
        }
      }
      keys_.push_back(std::move(key));
    }
  }

  // The typed key of `indexes` in the row; nullopt when a part is missing.
  std::optional<uint64_t> key_of(const Row& row, const std::vector<size_t>& indexes) const {
    uint64_t key = 0;
    for (size_t i : indexes) {
      if (i >= row.fields.size() || missing(row, i)) return std::nullopt;
      ParsedCell parsed;
      if (!columns_[i].parser.parse(row.fields[i], parsed)) parsed = ParsedCell{};
      key = hash_combine(key, value_hash(row.fields[i], parsed));
    }
    return key;
  }

  void check_foreign_keys(const Row& row) {
    for (KeyCheck& key : keys_) {
      if (key.self) {
        if (auto target = key_of(row, key.self_target); target && !key.overflow) {
          key.own.insert(*target);
        }
        if (auto value = key_of(row, key.fields)) {
          if (key.pending.size() < limits_.max_unique_keys) {
            key.pending.emplace_back(row.number, *value);
          } else {
            key.overflow = true;
          }
        }
      } else if (auto value = key_of(row, key.fields); value && !key.target->keys.count(*value)) {
        foreign_key_violation(key, row.number, *value);
      }
    }
  }

  void foreign_key_violation(const KeyCheck& key, uint64_t number, uint64_t value) {
    Row row;
    row.number = row.line = number;
    add(row, 0, "", "foreign key (" + key.names + ") value is not among the " + key.target_text,
        "foreignKey:" + key.names + ":" + std::to_string(value));
  }

  std::vector<KeyCheck> keys_;
  bool by_name_ = false;           // fieldsMatch maps labels by name
  std::vector<size_t> column_of_;  // by name: the column of each field (SIZE_MAX: absent)
  Row mapped_;

  // v2 uniqueKeys: like a primary key, but a key with a missing part is not compared.
  void check_unique_keys(const Row& row) {
    for (size_t k = 0; k < unique_keys_.size(); ++k) {
      auto key = key_of(row, schema_.unique_keys[k]);
      if (!key) continue;
      if (uint64_t first = unique_keys_[k]->insert(*key, row.number)) {
        std::string names;
        for (size_t i : schema_.unique_keys[k]) {
          names += (names.empty() ? "" : ", ") + schema_.fields[i].name;
        }
        add(row, 0, "", "unique key (" + names + ") repeats row " + std::to_string(first),
            "uniqueKey:" + names + ":" + std::to_string(*key));
      }
    }
  }
  std::vector<std::unique_ptr<KeySet>> unique_keys_;

  static bool takes_json(const Field& field) {
    return field.type == FieldType::object || field.type == FieldType::array ||
           field.type == FieldType::geojson || field.type == FieldType::geopoint ||
           field.type == FieldType::any;
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

namespace {

// Rows are numbered physically: a gap between record numbers is blank lines, each a blank row.
template <typename Reader>
void read_delimited(Reader& reader, const CsvDialect& dialect, Validator& validator,
                    ValidationResult& result) {
  // Trailing blank lines are not reported: a file ending in an extra newline is common and
  // harmless.
  Row row;
  uint64_t blank_lines = 0;
  // The rows a record number skipped for blank lines (comment rows skip numbers too, silently).
  auto blanks_before = [&](const Row& record) {
    uint64_t blanks = reader.blank_lines() - blank_lines;
    blank_lines = reader.blank_lines();
    for (uint64_t b = blanks; b > 0; --b) validator.blank_row(record.number - b);
  };
  if (dialect.header) {
    // headerRows [n]: the header is row n, the rows above it are not data.
    uint64_t header_row = dialect.header_rows.empty() ? 1 : dialect.header_rows.back();
    bool found = false;
    while (reader.next(row)) {
      blank_lines = reader.blank_lines();
      if (row.number >= header_row) {
        found = true;
        break;
      }
    }
    if (!found) {
      result.violations.push_back({0, 0, 0, "", "the file is empty: no header row", "empty"});
      return;
    }
    validator.header(row);
  }
  while (reader.next(row)) {
    blanks_before(row);
    validator.record(row);
  }
}

}  // namespace

ValidationResult validate_table(ByteStream& stream, TableFormat format, const TableSchema& schema,
                                const ValidationLimits& limits, const CsvDialect& dialect,
                                const std::vector<ReferencedValues>& references) {
  ValidationResult result;
  Validator validator(schema, limits, result, references, format == TableFormat::tsv);
  if (format == TableFormat::jsonl) {
    Row row;
    std::vector<std::string> columns;
    for (const Field& field : schema.fields) columns.push_back(field.name);
    JsonLinesReader reader(stream, std::move(columns), limits.reader);
    while (reader.next(row)) validator.record(row);
  } else if (format == TableFormat::json) {
    std::vector<std::string> columns;
    for (const Field& field : schema.fields) columns.push_back(field.name);
    JsonTableReader reader(stream, std::move(columns), limits.reader);
    if (reader.error()) {
      result.violations.push_back(
          {0, 0, 0, "", "cannot read the JSON table: " + *reader.error(), "json-table"});
      return result;
    }
    Row row;
    if (reader.header(row)) validator.header(row);
    while (reader.next(row)) validator.record(row);
  } else {
    char delimiter = dialect.delimiter;
    if (delimiter == 0) delimiter = format == TableFormat::tsv ? '\t' : ',';
    if (dialect.needs_dialect_reader()) {
      DialectCsvReader reader(stream, dialect, delimiter, limits.reader);
      read_delimited(reader, dialect, validator, result);
    } else {
      CsvReader reader(stream, delimiter, limits.reader);
      read_delimited(reader, dialect, validator, result);
    }
    if (!result.violations.empty() && result.violations.front().basis == "empty") return result;
  }
  validator.finish();
  return result;
}

ReferencedValues collect_referenced(ByteStream& stream, TableFormat format,
                                    const TableSchema& schema, const CsvDialect& dialect,
                                    const std::string& resource,
                                    const std::vector<std::string>& fields,
                                    const ValidationLimits& limits) {
  ReferencedValues values;
  values.resource = resource;
  values.fields = fields;
  std::vector<const Field*> typed;  // schema field of each referenced name, when declared
  for (const auto& name : fields) {
    const Field* found = nullptr;
    for (const Field& field : schema.fields) {
      if (field.name == name) found = &field;
    }
    typed.push_back(found);
  }
  std::vector<std::optional<CellParser>> parsers;
  for (const Field* field : typed) {
    parsers.emplace_back(field ? std::optional<CellParser>(CellParser(*field)) : std::nullopt);
  }
  std::vector<size_t> columns(fields.size(), SIZE_MAX);
  auto take = [&](const Row& row) {
    uint64_t key = 0;
    for (size_t k = 0; k < columns.size(); ++k) {
      if (columns[k] >= row.fields.size() || row.is_null(columns[k])) return;
      std::string_view cell = row.fields[columns[k]];
      ParsedCell parsed;
      if (!parsers[k] || !parsers[k]->parse(cell, parsed)) parsed = ParsedCell{};
      key = hash_combine(key, key_hash(cell, parsed));
    }
    if (values.keys.size() >= limits.max_unique_keys) {
      values.complete = false;
      return;
    }
    values.keys.insert(key);
  };
  Row row;
  if (format == TableFormat::json) {
    values.unchecked = "keys are not read from JSON tables";
    return values;
  }
  if (format == TableFormat::jsonl) {
    JsonLinesReader reader(stream, fields, limits.reader);
    for (size_t k = 0; k < columns.size(); ++k) columns[k] = k;
    while (reader.next(row)) take(row);
    return values;
  }
  char delimiter = dialect.delimiter != 0       ? dialect.delimiter
                   : format == TableFormat::tsv ? '\t'
                                                : ',';
  auto run = [&](auto& reader) {
    bool header = dialect.header;
    if (!header) {
      for (size_t k = 0; k < fields.size(); ++k) {
        for (size_t i = 0; i < schema.fields.size(); ++i) {
          if (schema.fields[i].name == fields[k]) columns[k] = i;
        }
      }
    }
    while (reader.next(row)) {
      if (header) {
        header = false;
        for (size_t k = 0; k < fields.size(); ++k) {
          for (size_t i = 0; i < row.fields.size(); ++i) {
            if (row.fields[i] == fields[k]) columns[k] = i;
          }
        }
        continue;
      }
      take(row);
    }
  };
  if (dialect.needs_dialect_reader()) {
    DialectCsvReader reader(stream, dialect, delimiter, limits.reader);
    run(reader);
  } else {
    CsvReader reader(stream, delimiter, limits.reader);
    run(reader);
  }
  return values;
}

ValidationResult validate_table(ByteStream& stream, TableFormat format, const TableSchema& schema,
                                const ValidationLimits& limits, char delimiter) {
  CsvDialect dialect;
  dialect.delimiter = delimiter;
  return validate_table(stream, format, schema, limits, dialect);
}

}  // namespace gate::data
