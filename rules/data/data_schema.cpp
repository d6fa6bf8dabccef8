#include "rules/data/data_schema.hpp"

#include <cctype>
#include <set>

#include "gate/types/errors.hpp"
#include "rules/data/compressed_stream.hpp"
#include "rules/data/dataset_index.hpp"
#include "rules/data/findings_budget.hpp"
#include "rules/data/table_schema.hpp"
#include "rules/data/table_validator.hpp"
#include "rules/data/transcoding_stream.hpp"

namespace gate::rules {

namespace {

// Decompressed tables are read up to this size: a decompression bomb stops here, with a finding.
constexpr uint64_t kMaxDecompressed = uint64_t{16} << 30;

using data::DatasetIndex;

std::optional<data::TableFormat> format_named(const std::string& name) {
  if (name == "csv") return data::TableFormat::csv;
  if (name == "tsv") return data::TableFormat::tsv;
  if (name == "jsonl" || name == "ndjson") return data::TableFormat::jsonl;
  if (name == "json") return data::TableFormat::json;
  return std::nullopt;
}

std::string extension_of(std::string_view path) {
  size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return "unknown";
  }
  return std::string(path.substr(dot + 1));
}
// Table formats of other tools: spreadsheets, columnar files, JSON documents of rows.
bool is_unread_table_format(std::string extension) {
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::set<std::string> kFormats = {"xlsx",    "xlsm",  "xls", "ods",  "parquet",
                                                 "feather", "arrow", "orc", "avro", "json"};
  // (JSON is read when declared: an array of rows; the others never.)
  return kFormats.count(extension) > 0;
}

using data::DatasetInfo;

class DataSchema : public Rule {
 public:
  DataSchema(std::optional<std::string> schema, data::ValidationLimits limits, bool require)
      : schema_path_(std::move(schema)), limits_(limits), require_schema_(require) {}

  RuleResult evaluate(const RuleContext& context) const override {
    RuleResult result;
    DatasetIndex index(context.blobs, Tree::head);
    std::set<std::string> reported;  // descriptors already reported as unusable
    size_t judged = 0;
    for (const auto& file : context.change.files) {
      if (file.deleted() || !context.in_scope(file)) continue;
      if (file.new_kind != EntryKind::file && file.new_kind != EntryKind::executable) continue;
      std::string_view bare = data::without_compression(file.path);
      auto format = data::table_format_of(bare);
      std::optional<DatasetInfo> info;
      if (format) {
        info = schema_for(index, file.path);
      } else {
        // Not read by its name: judged when a data package resource declares it, when a schema
        // beside it describes a table format Gate does not read, and under require-schema
        // whenever its name is such a format: said, never passed over in silence.
        info = index.find(file.path);
        std::string extension = extension_of(bare);
        bool unread_table = is_unread_table_format(extension);
        bool declared = info && (info->from_package || (unread_table && info->schema));
        if (!declared && !(require_schema_ && unread_table && extension != "json")) continue;
        if (info && !info->format.empty()) format = format_named(info->format);
        if (declared && info->format.empty() && extension == "json") {
          format = data::TableFormat::json;
        }
        if (!format) {
          ++judged;
          unread(context, file.path, info && !info->format.empty() ? info->format : extension,
                 declared, result);
          continue;
        }
      }
      ++judged;
      if (!info || (!info->schema && info->error.empty())) {
        if (require_schema_) {
          Finding f = context.finding(
              file.path,
              "no Table Schema describes this file (add a datapackage.json resource "
              "or " +
                  file.path + ".schema.json)");
          f.fingerprint_basis = "no-schema";
          result.findings.push_back(std::move(f));
        }
        continue;
      }
      data::TableSchema schema;
      try {
        if (!info->error.empty()) throw data::SchemaError(info->error);
        schema = data::parse_table_schema(*info->schema);
      } catch (const data::SchemaError& e) {
        if (reported.insert(info->schema_path).second) {
          Finding f =
              context.finding(info->schema_path, "unusable Table Schema: " + std::string(e.what()));
          f.fingerprint_basis = "schema-error";
          result.findings.push_back(std::move(f));
        }
        continue;
      }
      if (reported.insert("notes:" + info->schema_path).second) {
        for (const auto& note : schema.notes) {
          Finding f = context.finding(info->schema_path, note);
          f.severity = Severity::notice;
          f.fingerprint_basis = "note:" + note;
          result.findings.push_back(std::move(f));
        }
      }
      std::vector<data::ReferencedValues> references =
          referenced_values(context, index, *info, schema);
      validate(context, file.path, *format, schema, *info, references, result);
    }
    if (judged == 0) result.skipped = "no CSV, TSV or JSON Lines file in scope";
    return result;
  }

 private:
  std::optional<DatasetInfo> schema_for(DatasetIndex& index, const std::string& path) const {
    if (!schema_path_) return index.find(path);
    DatasetInfo info;
    info.descriptor_path = info.schema_path = *schema_path_;
    try {
      auto text = index.read_small(*schema_path_);
      if (!text) {
        throw RuleError("data-schema: the schema " + *schema_path_ +
                        " named by the rule does not exist at the head revision");
      }
      info.schema = data::parse_bounded_json(*text);
    } catch (const data::SchemaError& e) {
      info.error = e.what();
    }
    return info;
  }

  // A resource whose format Gate does not read (xlsx, parquet, JSON arrays...): said, never
  // skipped in silence; an error when the policy requires every table to be checked.
  void unread(const RuleContext& context, const std::string& path, const std::string& format,
              bool declared, RuleResult& result) const {
    std::string message =
        declared ? "Gate does not read '" + format +
                       "' resources: the rows of this file are not checked against its schema"
                 : "Gate does not read '" + format +
                       "' files and no schema describes this one: its rows are not checked";
    Finding f = context.finding(
        path, message + " (convert it to CSV, TSV or JSON Lines to have it checked)");
    f.severity = require_schema_ ? Severity::error : Severity::notice;
    f.fingerprint_basis = "unread-format:" + format;
    result.findings.push_back(std::move(f));
  }

  // The values the table's foreign keys point at in other resources of its package. A target
  // Gate cannot read is left out: the validator then reports the key as unresolved.
  std::vector<data::ReferencedValues> referenced_values(const RuleContext& context,
                                                        DatasetIndex& index,
                                                        const DatasetInfo& info,
                                                        const data::TableSchema& schema) const {
    std::vector<data::ReferencedValues> out;
    for (const data::ForeignKey& fk : schema.foreign_keys) {
      if (fk.external || fk.resource.empty()) continue;
      if (!info.from_package) {
        data::ReferencedValues unchecked;
        unchecked.resource = fk.resource;
        unchecked.fields = fk.reference_fields;
        unchecked.unchecked = "the schema is not part of a data package that names resources";
        out.push_back(std::move(unchecked));
        continue;
      }
      auto target = index.resource_named(info.descriptor_path, fk.resource);
      if (!target || !target->second.error.empty()) continue;
      auto& [path, target_info] = *target;
      auto format = data::table_format_of(data::without_compression(path));
      if (!format && !target_info.format.empty()) format = format_named(target_info.format);
      if (!format && extension_of(data::without_compression(path)) == "json") {
        format = data::TableFormat::json;
      }
      std::unique_ptr<ByteStream> stream = context.blobs.open(Tree::head, path);
      if (!format || !stream) continue;
      data::TableSchema target_schema;
      try {
        if (target_info.schema) target_schema = data::parse_table_schema(*target_info.schema);
        stream = data::open_decompressed(std::move(stream), data::compression_of(path), path,
                                         kMaxDecompressed);
        stream = data::open_transcoded(std::move(stream), target_info.encoding);
        out.push_back(data::collect_referenced(*stream, *format, target_schema, target_info.dialect,
                                               fk.resource, fk.reference_fields, limits_));
      } catch (const data::SchemaError&) {
        continue;  // the target's own schema is reported when the target is judged
      } catch (const RuleError&) {
        continue;
      }
    }
    return out;
  }

  void validate(const RuleContext& context, const std::string& path, data::TableFormat format,
                const data::TableSchema& schema, const DatasetInfo& info,
                const std::vector<data::ReferencedValues>& references, RuleResult& result) const {
    std::unique_ptr<ByteStream> stream = context.blobs.open(Tree::head, path);
    if (!stream) throw RuleError("data-schema: cannot read " + path + " at the head revision");
    data::Compression compression = data::compression_of(path);
    if (!info.compression.empty()) {
      compression = data::compression_named(info.compression).value_or(compression);
    }
    data::ValidationResult outcome;
    try {
      stream = data::open_decompressed(std::move(stream), compression, path, kMaxDecompressed);
      stream = data::open_transcoded(std::move(stream), info.encoding);
      outcome = data::validate_table(*stream, format, schema, limits_, info.dialect, references);
    } catch (const RuleError& e) {
      if (compression == data::Compression::none) throw;
      Finding f =
          context.finding(path, std::string("cannot read the compressed table: ") + e.what());
      f.fingerprint_basis = "unreadable-compressed";
      result.findings.push_back(std::move(f));
      return;
    }
    for (auto& v : outcome.violations) {
      Finding f = context.finding(path, std::move(v.message));
      f.start_line = f.end_line = static_cast<uint32_t>(std::min<uint64_t>(v.line, UINT32_MAX));
      f.fingerprint_basis = std::move(v.basis);
      result.findings.push_back(std::move(f));
    }
    if (outcome.suppressed > 0) {
      result.findings.push_back(data::more_findings(context, path, outcome.suppressed,
                                                    limits_.max_findings, "schema violations"));
    }
    for (const auto& note : outcome.notes) {
      Finding f = context.finding(path, note);
      f.severity = Severity::notice;
      f.fingerprint_basis = "note:" + note;
      result.findings.push_back(std::move(f));
    }
  }

  std::optional<std::string> schema_path_;
  data::ValidationLimits limits_;
  bool require_schema_;
};

}  // namespace

RuleType data_schema_type() {
  RuleType type;
  type.name = "data-schema";
  type.family = "data";
  type.summary = "Validates CSV, TSV and JSON Lines files against their Frictionless Table Schema.";
  type.parameters = {
      {"schema", "path",
       "Table Schema (JSON) at the head revision used for every file in scope; "
       "default: the file's datapackage.json resource or <file>.schema.json"},
      {"max-findings", "integer", "findings listed per file before the rest are counted (50)"},
      {"max-unique-keys", "integer",
       "distinct values remembered per unique field and for the primary key (500000)"},
      {"max-field-size", "size",
       "longest field read; longer ones are truncated and reported (1MiB)"},
      {"require-schema", "boolean", "report tabular files without any schema (false)"},
  };
  type.example =
      "- id: data-contracts\n"
      "  type: data-schema\n"
      "  assets: [data]\n"
      "  max-findings: 20\n";
  type.factory = [](const Params& params, const PolicyRule&) -> std::shared_ptr<const Rule> {
    data::ValidationLimits limits;
    std::optional<std::string> schema = params.optional_string("schema");
    if (schema && !data::normalize_path(*schema)) {
      params.fail("schema", "'" + *schema + "' is not a repository path",
                  "give a path relative to the repository root, e.g. data/users.schema.json");
    }
    int64_t max_findings = params.integer_or("max-findings", 50);
    if (max_findings < 1 || max_findings > 100000) {
      params.fail("max-findings", "must be between 1 and 100000");
    }
    limits.max_findings = static_cast<size_t>(max_findings);
    int64_t max_keys = params.integer_or("max-unique-keys", 500000);
    if (max_keys < 1 || max_keys > 100000000) {
      params.fail("max-unique-keys", "must be between 1 and 100000000",
                  "memory is about 32 bytes a distinct key");
    }
    limits.max_unique_keys = static_cast<uint64_t>(max_keys);
    if (auto field_size = params.optional_size("max-field-size")) {
      if (*field_size < 1 || *field_size > (64u << 20)) {
        params.fail("max-field-size", "must be between 1 byte and 64MiB");
      }
      limits.reader.max_field_bytes = *field_size;
      limits.reader.max_record_bytes =
          std::max<size_t>(limits.reader.max_record_bytes, *field_size);
    }
    bool require = params.boolean_or("require-schema", false);
    params.finish();
    return std::make_shared<DataSchema>(schema, limits, require);
  };
  return type;
}

}  // namespace gate::rules
