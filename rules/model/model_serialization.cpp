#include "rules/model/model_serialization.hpp"

#include <algorithm>

#include "rules/model/model_scan.hpp"

namespace gate::rules {

namespace {

using model::ModelFormat;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

class ModelSerialization : public Rule {
 public:
  ModelSerialization(model::ScanOptions options, std::vector<std::string> allowed_formats)
      : options_(std::move(options)), allowed_formats_(std::move(allowed_formats)) {}

  RuleResult evaluate(const RuleContext& context) const override {
    RuleResult result;
    size_t judged = 0;
    for (const auto& file : context.change.files) {
      if (file.deleted() || !context.in_scope(file)) continue;
      if (file.new_kind != EntryKind::file && file.new_kind != EntryKind::executable) continue;
      std::optional<uint64_t> size = context.blobs.size(Tree::head, file.path);
      if (!size) continue;
      ++judged;
      const std::string& path = file.path;
      model::FileScan scan = model::scan_model_file(
          path, *size, [&] { return context.blobs.open(Tree::head, path); }, options_);
      if (!allowed_formats_.empty() && scan.format != ModelFormat::other &&
          std::none_of(
              allowed_formats_.begin(), allowed_formats_.end(),
              [&](const std::string& name) { return model::format_matches(scan.format, name); })) {
        Finding f = context.finding(
            path, "format '" + std::string(model::format_name(scan.format)) +
                      "' is not allowed here (allowed: " + join(allowed_formats_) + ")");
        f.fingerprint_basis = "format:" + std::string(model::format_name(scan.format));
        f.security = true;
        result.findings.push_back(std::move(f));
      }
      for (const auto& issue : scan.issues) {
        Finding f = context.finding(
            path, std::string(model::format_name(scan.format)) + ": " + issue.message);
        if (!issue.blocking) f.severity = std::min(f.severity, Severity::warning);
        f.fingerprint_basis = issue.basis;
        f.security = true;
        result.findings.push_back(std::move(f));
      }
    }
    if (judged == 0) result.skipped = "no added or changed file in scope";
    return result;
  }

 private:
  model::ScanOptions options_;
  std::vector<std::string> allowed_formats_;
};

}  // namespace

RuleType model_serialization_type() {
  RuleType type;
  type.name = "model-serialization";
  type.family = "model";
  type.summary =
      "Finds code that loading a model would run: pickle imports (raw, PyTorch zip and legacy, "
      "joblib, NumPy) judged without unpickling, formats told by content; safetensors and NumPy "
      "headers validated exactly.";
  type.security = true;
  type.parameters = {
      {"allow", "list of strings",
       "extra callables allowed in pickles: `module.name`, a module (covers its submodules) or "
       "`module.*`",
       false},
      {"deny", "list of strings", "extra callables denied, same patterns (deny wins)", false},
      {"allowed-formats", "list of strings",
       "formats allowed at all: pickle, pytorch, pytorch-legacy, numpy, numpy-archive, "
       "safetensors, onnx, gguf, keras, tensorflow",
       false},
      {"max-member-size", "size",
       "largest uncompressed archive member walked (zip bomb guard), default 1GiB", false},
      {"strict", "boolean",
       "imports on neither list block like denied ones (default true at severity error, where a "
       "finding blocks anyway; false reports them as warnings)",
       false},
  };
  type.example =
      "- id: safe-models\n"
      "  type: model-serialization\n"
      "  assets: [model]\n"
      "  allowed-formats: [safetensors, onnx, pytorch]\n"
      "  allow: [my_project.layers.CustomBlock]\n"
      "  strict: true\n";
  type.factory = [](const Params& params, const PolicyRule& rule) -> std::shared_ptr<const Rule> {
    model::ScanOptions options;
    options.strict = params.boolean_or("strict", rule.severity == Severity::error);
    std::vector<std::string> allow = params.string_list("allow");
    std::vector<std::string> deny = params.string_list("deny");
    for (const auto& key : {"allow", "deny"}) {
      for (const auto& pattern : params.string_list(key)) {
        if (pattern.empty() || pattern.front() == '.' || pattern.back() == '.' ||
            pattern.find(' ') != std::string::npos) {
          params.fail(key, "has an invalid entry '" + pattern + "'",
                      "write a Python dotted name such as `package.module.Class` or `package.*`");
        }
      }
    }
    options.callables = model::CallablePolicy::with_defaults(allow, deny);
    std::vector<std::string> formats = params.string_list("allowed-formats");
    for (const auto& name : formats) {
      if (!model::format_name_known(name)) {
        params.fail("allowed-formats", "names unknown format '" + name + "'",
                    "use pickle, pytorch, pytorch-legacy, numpy, numpy-archive, safetensors, onnx, "
                    "gguf, keras or tensorflow");
      }
    }
    if (auto size = params.optional_size("max-member-size")) options.max_member_size = *size;
    params.finish();
    return std::make_shared<ModelSerialization>(std::move(options), std::move(formats));
  };
  return type;
}

}  // namespace gate::rules
