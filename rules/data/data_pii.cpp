#include "rules/data/data_pii.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "gate/types/errors.hpp"
#include "gate/types/redact.hpp"
#include "rules/data/csv_reader.hpp"
#include "rules/data/dataset_index.hpp"
#include "rules/data/dvc_manifest.hpp"
#include "rules/data/findings_budget.hpp"
#include "rules/data/line_stream.hpp"
#include "rules/data/pii_detectors.hpp"
#include "rules/data/table_schema.hpp"
#include "rules/data/table_validator.hpp"

namespace gate::rules {

namespace {

using data::PiiKind;

const std::vector<PiiKind> kAllKinds = {PiiKind::email, PiiKind::phone,  PiiKind::payment_card,
                                        PiiKind::iban,  PiiKind::us_ssn, PiiKind::ipv4,
                                        PiiKind::ipv6};

// Which column of a delimited line a byte offset falls in (quotes respected; 0-based).
size_t column_at(std::string_view line, size_t offset, char delimiter) {
  size_t column = 0;
  bool quoted = false;
  for (size_t i = 0; i < offset && i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    if (line[i] == delimiter && !quoted) ++column;
  }
  return column;
}

class DataPii : public Rule {
 public:
  DataPii(std::set<PiiKind> kinds, size_t max_findings, std::vector<std::string> phone_regions)
      : kinds_(std::move(kinds)),
        max_findings_(max_findings),
        scanner_(std::make_shared<const data::PiiScanner>(std::move(phone_regions))) {}

  RuleResult evaluate(const RuleContext& context) const override {
    RuleResult result;
    data::DatasetIndex index(context.blobs, Tree::head);
    size_t judged = 0;
    for (const auto& file : context.change.files) {
      if (file.deleted() || file.binary || !context.in_scope(file)) continue;
      if (file.new_kind != EntryKind::file && file.new_kind != EntryKind::executable) continue;
      ++judged;
      scan_file(context, index, file, result);
    }
    if (judged == 0) result.skipped = "no added or changed text file in scope";
    return result;
  }

 private:
  struct FileScan {
    std::optional<std::string> basis;
    std::vector<std::string> header;
    char delimiter = 0;
    size_t listed = 0;
    uint64_t more = 0;
  };

  static std::optional<std::string> declared_basis(const RuleContext& context,
                                                   data::DatasetIndex& index,
                                                   const std::string& path) {
    try {
      if (auto info = index.find(path); info && info->pii_basis) return info->pii_basis;
      if (auto text = index.read_small(path + ".dvc")) {
        return data::parse_dvc_file(*text).pii_basis;
      }
    } catch (const data::SchemaError&) {
      // An unreadable descriptor declares nothing; data-schema and data-manifest report it.
    }
    return std::nullopt;
  }

  static std::vector<std::string> header_of(const RuleContext& context, const std::string& path,
                                            char delimiter) {
    std::vector<std::string> header;
    auto stream = context.blobs.open(Tree::head, path);
    if (!stream) return header;
    data::ReaderLimits limits;
    limits.max_field_bytes = 4096;
    limits.max_record_bytes = 1 << 16;
    limits.max_fields = 1024;
    data::CsvReader reader(*stream, delimiter, limits);
    data::Row row;
    if (reader.next(row)) {
      for (auto field : row.fields) header.emplace_back(field);
    }
    return header;
  }

  void scan_line(const RuleContext& context, const data::PiiScanner& scanner,
                 const std::string& path, std::string_view line, uint64_t number, FileScan& scan,
                 RuleResult& result) const {
    for (const auto& match : scanner.scan(line)) {
      if (!kinds_.count(match.kind)) continue;
      size_t column = scan.delimiter != 0 ? column_at(line, match.offset, scan.delimiter) : 0;
      // A dotted quad in a column named for versions ("version", "build", "firmware") is one.
      if (match.kind == PiiKind::ipv4 && number > 1 && column < scan.header.size() &&
          data::is_version_label(scan.header[column])) {
        continue;
      }
      if (scan.listed >= max_findings_) {
        ++scan.more;
        continue;
      }
      ++scan.listed;
      std::string where = "line " + std::to_string(number);
      if (scan.delimiter != 0 && number > 1) {
        where += ", column " + std::to_string(column + 1);
        if (column < scan.header.size()) {
          where += " (" + data::excerpt(scan.header[column]) + ")";
        }
      }
      std::string message =
          where + ": " + std::string(data::describe(match.kind)) + " " + redact(match.value);
      if (scan.basis) message += " (PII expected: " + *scan.basis + ")";
      Finding f = context.finding(path, std::move(message));
      f.start_line = f.end_line = static_cast<uint32_t>(std::min<uint64_t>(number, UINT32_MAX));
      f.column = static_cast<uint32_t>(match.offset + 1);
      f.fingerprint_basis = sha256_hex(match.value);
      f.security = true;
      if (scan.basis) f.severity = Severity::notice;
      result.findings.push_back(std::move(f));
    }
  }

  void scan_file(const RuleContext& context, data::DatasetIndex& index, const FileChange& file,
                 RuleResult& result) const {
    const data::PiiScanner& scanner = *scanner_;
    FileScan scan;
    scan.basis = declared_basis(context, index, file.path);
    auto format = data::table_format_of(file.path);
    if (format == data::TableFormat::csv || format == data::TableFormat::tsv) {
      scan.delimiter = format == data::TableFormat::tsv ? '\t' : ',';
      scan.header = header_of(context, file.path, scan.delimiter);
    }
    if (!file.too_large_for_lines) {
      for (const auto& added : file.added_lines) {
        scan_line(context, scanner, file.path, added.text, added.number, scan, result);
      }
    } else {
      // No line diff for very large files: the whole new file is scanned, streaming.
      auto stream = context.blobs.open(Tree::head, file.path);
      if (!stream) throw RuleError("data-pii: cannot read " + file.path + " at the head revision");
      data::LineStream lines(*stream);
      std::string line;
      uint64_t number = 0;
      while (lines.next(line, number)) {
        scan_line(context, scanner, file.path, line, number, scan, result);
      }
    }
    if (scan.more > 0) {
      Finding f = data::more_findings(context, file.path, scan.more, max_findings_, "PII matches");
      f.security = true;
      if (scan.basis) f.severity = Severity::notice;
      result.findings.push_back(std::move(f));
    }
  }

  std::set<PiiKind> kinds_;
  size_t max_findings_;
  std::shared_ptr<const data::PiiScanner> scanner_;
};

}  // namespace

RuleType data_pii_type() {
  RuleType type;
  type.name = "data-pii";
  type.family = "data";
  type.security = true;
  type.summary = "Finds personal data (e-mail, phone, card, IBAN, SSN, IP) in added data rows.";
  type.parameters = {
      {"kinds", "list",
       "what to look for: email, phone, payment-card, iban, us-ssn, ipv4, ipv6 (default: all)"},
      {"max-findings", "integer", "findings listed per file before the rest are counted (50)"},
      {"phone-regions", "list",
       "ISO 3166-1 regions whose national phone forms are looked for, e.g. [GB, DE] (default: "
       "none; numbers with + and North American forms are always found)"},
  };
  type.example =
      "- id: no-personal-data\n"
      "  type: data-pii\n"
      "  assets: [data]\n"
      "  kinds: [email, phone, payment-card, iban, us-ssn]\n"
      "  phone-regions: [GB, DE]\n";
  type.factory = [](const Params& params, const PolicyRule&) -> std::shared_ptr<const Rule> {
    std::set<PiiKind> kinds;
    if (params.has("kinds")) {
      for (const auto& name : params.string_list("kinds")) {
        auto it = std::find_if(kAllKinds.begin(), kAllKinds.end(),
                               [&](PiiKind k) { return data::to_string(k) == name; });
        if (it == kAllKinds.end()) {
          params.fail("kinds", "unknown kind '" + name + "'",
                      "use email, phone, payment-card, iban, us-ssn, ipv4 or ipv6");
        }
        kinds.insert(*it);
      }
      if (kinds.empty()) params.fail("kinds", "must name at least one kind");
    } else {
      kinds.insert(kAllKinds.begin(), kAllKinds.end());
    }
    int64_t max_findings = params.integer_or("max-findings", 50);
    if (max_findings < 1 || max_findings > 100000) {
      params.fail("max-findings", "must be between 1 and 100000");
    }
    std::vector<std::string> regions;
    if (params.has("phone-regions")) {
      for (std::string region : params.string_list("phone-regions")) {
        for (char& c : region) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (!data::phone_regions().count(region)) {
          params.fail("phone-regions", "unknown region '" + region + "'",
                      "use ISO 3166-1 alpha-2 codes such as GB, DE, FR, IN, JP");
        }
        if (std::find(regions.begin(), regions.end(), region) == regions.end()) {
          regions.push_back(region);
        }
      }
    }
    params.finish();
    return std::make_shared<DataPii>(std::move(kinds), static_cast<size_t>(max_findings),
                                     std::move(regions));
  };
  return type;
}

}  // namespace gate::rules
