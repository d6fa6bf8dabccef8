#include "rules/data/data_drift.hpp"

#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "gate/types/parallel.hpp"
#include "rules/data/data_profile.hpp"
#include "rules/data/dataset_index.hpp"
#include "rules/data/table_validator.hpp"

namespace gate::rules {

namespace {

using data::ColumnProfile;
using data::TableProfile;
using json = nlohmann::json;

std::string fixed(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  return buffer;
}

std::string number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

std::string percent(double fraction) { return fixed(fraction * 100, 1) + "%"; }

struct Limits {
  double max_psi = 0.25;
  double max_null_increase = 0.10;
  std::optional<double> max_row_change;
  std::optional<double> max_distinct_change;
  uint64_t min_values = 100;
  std::vector<std::string> columns;  // empty: every column
  std::vector<std::string> missing_values{""};
};

class DataDrift : public Rule {
 public:
  explicit DataDrift(Limits limits) : limits_(std::move(limits)) {}

  RuleResult evaluate(const RuleContext& context) const override {
    RuleResult result;
    json profiles = json::array();
    size_t judged = 0;
    data::DatasetIndex index(context.blobs, Tree::head);
    for (const auto& file : context.change.files) {
      if (file.status != ChangeStatus::modified && file.status != ChangeStatus::renamed) continue;
      if (file.new_kind != EntryKind::file && file.new_kind != EntryKind::executable) continue;
      if (!context.in_scope(file)) continue;
      std::optional<data::TableFormat> format = data::table_format_of(file.path);
      if (!format) continue;
      ++judged;
      if (*format == data::TableFormat::jsonl) {
        Finding f = context.finding(file.path, "JSON Lines tables are not profiled for drift");
        f.severity = Severity::notice;
        f.fingerprint_basis = "drift:jsonl";
        result.findings.push_back(std::move(f));
        continue;
      }
      const std::string& old_path = file.old_path.empty() ? file.path : file.old_path;
      auto base_stream = context.blobs.open(Tree::merge_base, old_path);
      auto head_stream = context.blobs.open(Tree::head, file.path);
      if (!base_stream || !head_stream) continue;
      data::ProfileOptions options;
      options.missing_values = limits_.missing_values;
      options.delimiter = *format == data::TableFormat::tsv ? '\t' : ',';
      try {
        if (auto info = index.find(file.path); info && info->dialect.delimiter != 0) {
          options.delimiter = info->dialect.delimiter;
        }
      } catch (const std::exception&) {
        // An unreadable descriptor is data-schema's finding; the default dialect still profiles.
      }
      // The two sides are independent passes: on two workers a drift check takes the time of
      // one, about what validating the head takes.
      TableProfile sides[2];
      ByteStream* streams[2] = {base_stream.get(), head_stream.get()};
      parallel_for(2, 2, [&](size_t i) { sides[i] = data::profile_table(*streams[i], options); });
      const TableProfile& base = sides[0];
      const TableProfile& head = sides[1];
      json stability = json::object();
      compare(context, file.path, base, head, stability, result);
      profiles.push_back({{"path", file.path},
                          {"base", json::parse(base.to_json())},
                          {"head", json::parse(head.to_json())},
                          {"population_stability", stability}});
    }
    if (judged == 0) {
      result.skipped = "no changed CSV, TSV or JSON Lines file in scope";
    } else if (!profiles.empty()) {
      result.record = json{{"profiles", profiles}}.dump();
    }
    return result;
  }

 private:
  bool watched(const std::string& column) const {
    return limits_.columns.empty() || std::find(limits_.columns.begin(), limits_.columns.end(),
                                                column) != limits_.columns.end();
  }

  void report(const RuleContext& context, const std::string& path, const std::string& basis,
              std::string message, RuleResult& result, bool notice = false) const {
    Finding f = context.finding(path, std::move(message));
    if (notice) f.severity = Severity::notice;
    f.fingerprint_basis = "drift:" + basis;
    result.findings.push_back(std::move(f));
  }

  void compare(const RuleContext& context, const std::string& path, const TableProfile& base,
               const TableProfile& head, json& stability, RuleResult& result) const {
    if (limits_.max_row_change && base.rows > 0) {
      double change = (static_cast<double>(head.rows) - static_cast<double>(base.rows)) /
                      static_cast<double>(base.rows);
      if (std::fabs(change) > *limits_.max_row_change) {
        report(context, path, "rows",
               "row count " + std::to_string(base.rows) + " -> " + std::to_string(head.rows) +
                   " (" + (change > 0 ? "+" : "") + percent(change) + "), over the limit of " +
                   percent(*limits_.max_row_change),
               result);
      }
    }
    for (const ColumnProfile& before : base.columns) {
      if (!watched(before.name)) continue;
      std::string subject = "column '" + before.name + "'";
      const ColumnProfile* after = head.column(before.name);
      if (!after) {
        report(context, path, before.name + ":gone",
               subject +
                   " is gone from the head table: not profiled (data-contract judges schema "
                   "changes)",
               result, true);
        continue;
      }
      double increase = after->null_rate() - before.null_rate();
      if (increase > limits_.max_null_increase) {
        report(context, path, before.name + ":nulls",
               subject + ": null rate " + percent(before.null_rate()) + " -> " +
                   percent(after->null_rate()) + " (+" + fixed(increase * 100, 1) +
                   " points), over the limit of " + fixed(limits_.max_null_increase * 100, 1) +
                   " points",
               result);
      }
      uint64_t old_distinct = before.distinct.estimate();
      uint64_t new_distinct = after->distinct.estimate();
      if (limits_.max_distinct_change && old_distinct > 0) {
        double change = (static_cast<double>(new_distinct) - static_cast<double>(old_distinct)) /
                        static_cast<double>(old_distinct);
        if (std::fabs(change) > *limits_.max_distinct_change) {
          report(context, path, before.name + ":distinct",
                 subject + ": about " + std::to_string(old_distinct) + " -> " +
                     std::to_string(new_distinct) + " distinct values (" + (change > 0 ? "+" : "") +
                     percent(change) + "), over the limit of " +
                     percent(*limits_.max_distinct_change),
                 result);
        }
      }
      if (before.values < limits_.min_values || after->values < limits_.min_values) continue;
      double psi = data::population_stability(before, *after);
      if (psi < 0) continue;
      stability[before.name] = psi;
      if (psi <= limits_.max_psi) continue;
      std::string shift = before.numeric() && after->numeric()
                              ? "median " + number(before.sample.quantile(0.5)) + " -> " +
                                    number(after->sample.quantile(0.5))
                              : std::to_string(before.categories.size()) + " -> " +
                                    std::to_string(after->categories.size()) + " categories";
      report(context, path, before.name + ":psi",
             subject + ": population stability index " + fixed(psi, 3) + " over the limit of " +
                 fixed(limits_.max_psi, 3) + " (" + shift + ")",
             result);
    }
  }

  Limits limits_;
};

double fraction_param(const Params& params, const std::string& key, double fallback) {
  double value = params.number_or(key, fallback);
  if (!(value >= 0) || !std::isfinite(value)) params.fail(key, "must be a number of 0 or more");
  return value;
}

std::optional<double> optional_fraction(const Params& params, const std::string& key) {
  if (!params.has(key)) return std::nullopt;
  return fraction_param(params, key, 0);
}

}  // namespace

RuleType data_drift_type() {
  RuleType type;
  type.name = "data-drift";
  type.family = "data";
  type.summary =
      "A changed dataset is profiled on both sides; the change blocks when its distribution "
      "shifts past declared thresholds. The profiles are kept in the signed decision.";
  type.parameters = {
      {"max-psi", "number", "largest population stability index per column (default 0.25)", false},
      {"max-null-increase", "number",
       "largest rise of a column's null rate, as a fraction (default 0.10: 10 points)", false},
      {"max-row-change", "number", "largest relative change of the row count (e.g. 0.5)", false},
      {"max-distinct-change", "number",
       "largest relative change of a column's distinct count (e.g. 1.0)", false},
      {"min-values", "integer",
       "values a column needs on both sides before its stability is judged (default 100)", false},
      {"columns", "list", "only these columns (default: every column)", false},
      {"missing-values", "list", "cells read as missing (default [\"\"])", false},
  };
  type.example =
      "- id: training-data-drift\n"
      "  type: data-drift\n"
      "  paths: [\"data/train/**\"]\n"
      "  max-psi: 0.2\n"
      "  max-null-increase: 0.05\n"
      "  max-row-change: 0.5\n";
  type.factory = [](const Params& params, const PolicyRule&) -> std::shared_ptr<const Rule> {
    Limits limits;
    limits.max_psi = fraction_param(params, "max-psi", 0.25);
    limits.max_null_increase = fraction_param(params, "max-null-increase", 0.10);
    limits.max_row_change = optional_fraction(params, "max-row-change");
    limits.max_distinct_change = optional_fraction(params, "max-distinct-change");
    int64_t min_values = params.integer_or("min-values", 100);
    if (min_values < 1) params.fail("min-values", "must be a whole number of 1 or more");
    limits.min_values = static_cast<uint64_t>(min_values);
    limits.columns = params.string_list("columns");
    if (params.has("missing-values")) limits.missing_values = params.string_list("missing-values");
    params.finish();
    return std::make_shared<DataDrift>(std::move(limits));
  };
  return type;
}

}  // namespace gate::rules
