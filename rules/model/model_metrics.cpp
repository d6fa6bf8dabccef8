#include "rules/model/model_metrics.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>

#include "rules/model/metrics_document.hpp"

namespace gate::rules {

namespace {

using model::format_number;

constexpr uint64_t kMaxMetricsBytes = 8u << 20;

struct Threshold {
  std::string key;
  std::string op;  // >= <= > < ==
  double bound = 0;
  std::string text;
};

struct Tolerance {
  double amount = 0;
  bool relative = false;  // "2%" of the base value
  std::string text;
};

std::optional<double> parse_double(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<Threshold> parse_threshold(const std::string& key, const std::string& text) {
  for (const char* op : {">=", "<=", "==", ">", "<"}) {
    std::string_view view(text);
    while (!view.empty() && view.front() == ' ') view.remove_prefix(1);
    if (view.substr(0, std::strlen(op)) != op) continue;
    auto bound = parse_double(view.substr(std::strlen(op)));
    if (!bound) return std::nullopt;
    return Threshold{key, op, *bound, text};
  }
  return std::nullopt;
}

std::optional<Tolerance> parse_tolerance(const std::string& text) {
  std::string_view view(text);
  bool relative = !view.empty() && view.back() == '%';
  if (relative) view.remove_suffix(1);
  auto amount = parse_double(view);
  if (!amount || *amount < 0) return std::nullopt;
  return Tolerance{*amount, relative, text};
}

bool meets(const Threshold& t, double value) {
  if (t.op == ">=") return value >= t.bound;
  if (t.op == "<=") return value <= t.bound;
  if (t.op == ">") return value > t.bound;
  if (t.op == "<") return value < t.bound;
  return value == t.bound;
}

class ModelMetrics : public Rule {
 public:
  ModelMetrics(std::string file, std::vector<Threshold> thresholds,
               std::optional<Tolerance> tolerance, std::map<std::string, Tolerance> per_key)
      : file_(std::move(file)),
        thresholds_(std::move(thresholds)),
        tolerance_(std::move(tolerance)),
        per_key_(std::move(per_key)) {}

  RuleResult evaluate(const RuleContext& context) const override {
    RuleResult result;
    bool relevant = false;
    for (const auto& file : context.change.files) {
      if (file.path == file_ || context.in_scope(file)) relevant = true;
    }
    if (!relevant) {
      result.skipped = "neither the metrics file nor a file in scope changed";
      return result;
    }
    auto add = [&](std::string message, std::string basis) {
      Finding f = context.finding(file_, std::move(message));
      f.fingerprint_basis = std::move(basis);
      result.findings.push_back(std::move(f));
    };
    std::optional<nlohmann::json> head = load(context, Tree::head, add);
    if (!head) return result;
    std::optional<nlohmann::json> base;
    if (tolerance_ || !per_key_.empty()) base = load(context, Tree::merge_base, nullptr);
    for (const auto& threshold : thresholds_) {
      const nlohmann::json* value = model::find_metric(*head, threshold.key);
      if (value == nullptr) {
        add("metric '" + threshold.key + "' is missing from " + file_, "missing:" + threshold.key);
        continue;
      }
      if (!value->is_number()) {
        add("metric '" + threshold.key + "' is not a number", "not-number:" + threshold.key);
        continue;
      }
      double now = value->get<double>();
      if (!meets(threshold, now)) {
        add("metric '" + threshold.key + "' is " + format_number(now) + ", which does not meet " +
                threshold.op + " " + format_number(threshold.bound),
            "threshold:" + threshold.key);
      }
      check_regression(threshold, now, base, add);
    }
    return result;
  }

 private:
  using Add = std::function<void(std::string, std::string)>;

  std::optional<nlohmann::json> load(const RuleContext& context, Tree tree, const Add& add) const {
    std::optional<uint64_t> size = context.blobs.size(tree, file_);
    if (!size) {
      if (add) add("metrics file " + file_ + " does not exist", "missing-file");
      return std::nullopt;
    }
    if (*size > kMaxMetricsBytes) {
      if (add)
        add("metrics file is larger than " + std::to_string(kMaxMetricsBytes) + " bytes",
            "too-large");
      return std::nullopt;
    }
    std::optional<std::string> text = context.blobs.read(tree, file_, kMaxMetricsBytes);
    if (!text) return std::nullopt;
    try {
      return model::parse_metrics_document(file_, *text);
    } catch (const std::runtime_error& error) {
      if (add) add("metrics file " + std::string(error.what()), "unreadable");
      return std::nullopt;
    }
  }

  void check_regression(const Threshold& threshold, double now,
                        const std::optional<nlohmann::json>& base, const Add& add) const {
    if (!base || threshold.op == "==") return;
    auto specific = per_key_.find(threshold.key);
    const Tolerance* tolerance = specific != per_key_.end() ? &specific->second
                                 : tolerance_               ? &*tolerance_
                                                            : nullptr;
    if (tolerance == nullptr) return;
    const nlohmann::json* before = model::find_metric(*base, threshold.key);
    if (before == nullptr || !before->is_number()) return;
    double was = before->get<double>();
    bool higher_is_better = threshold.op[0] == '>';
    double loss = higher_is_better ? was - now : now - was;
    double allowed =
        tolerance->relative ? std::fabs(was) * tolerance->amount / 100 : tolerance->amount;
    if (loss > allowed + 1e-12) {
      add("metric '" + threshold.key + "' regressed from " + format_number(was) + " to " +
              format_number(now) + ", more than the tolerance of " + tolerance->text,
          "regression:" + threshold.key);
    }
  }

  std::string file_;
  std::vector<Threshold> thresholds_;
  std::optional<Tolerance> tolerance_;
  std::map<std::string, Tolerance> per_key_;
};

}  // namespace

RuleType model_metrics_type() {
  RuleType type;
  type.name = "model-metrics";
  type.family = "model";
  type.summary =
      "A metrics file meets its thresholds and does not regress beyond a tolerance "
      "against the merge base.";
  type.parameters = {
      {"file", "path", "the metrics file (JSON, or YAML when it ends in .yaml/.yml)", true},
      {"thresholds", "mapping",
       "metric (dots reach nested keys) to `>= 0.9`, `<= 50`, `> x`, "
       "`< x` or `== x`",
       true},
      {"tolerance", "number or percentage",
       "largest allowed regression against the merge base, absolute (0.01) or relative (2%); "
       "absent: no regression check",
       false},
      {"tolerances", "mapping", "per-metric tolerance overriding `tolerance`", false},
  };
  type.example =
      "- id: classifier-quality\n"
      "  type: model-metrics\n"
      "  paths: [models/classifier/**]\n"
      "  file: models/classifier/metrics.json\n"
      "  thresholds:\n"
      "    accuracy: \">= 0.9\"\n"
      "    eval.latency_ms: \"<= 50\"\n"
      "  tolerance: 1%\n";
  type.factory = [](const Params& params, const PolicyRule&) -> std::shared_ptr<const Rule> {
    std::string file = params.string("file");
    std::vector<Threshold> thresholds;
    for (const auto& [key, text] : params.string_map("thresholds")) {
      auto threshold = parse_threshold(key, text);
      if (!threshold) {
        params.fail("thresholds", "entry '" + key + ": " + text + "' is not a comparison",
                    "write e.g. `accuracy: \">= 0.9\"` (operators >=, <=, >, <, ==)");
      }
      thresholds.push_back(*threshold);
    }
    if (thresholds.empty()) params.fail("thresholds", "must name at least one metric");
    std::optional<Tolerance> tolerance;
    if (auto text = params.optional_string("tolerance")) {
      tolerance = parse_tolerance(*text);
      if (!tolerance) params.fail("tolerance", "must be a non-negative number or percentage (2%)");
    }
    std::map<std::string, Tolerance> per_key;
    for (const auto& [key, text] : params.string_map("tolerances")) {
      auto parsed = parse_tolerance(text);
      if (!parsed) params.fail("tolerances", "entry '" + key + "' must be a number or percentage");
      per_key[key] = *parsed;
    }
    params.finish();
    return std::make_shared<ModelMetrics>(std::move(file), std::move(thresholds),
                                          std::move(tolerance), std::move(per_key));
  };
  return type;
}

}  // namespace gate::rules
