#include "rules/model/model_card.hpp"

#include <algorithm>
#include <optional>
#include <sstream>

#include "rules/model/model_card_reader.hpp"
#include "rules/model/spdx_licenses.hpp"
#include "rules/model/yaml_field.hpp"

namespace gate::rules {

namespace {

using model::ModelCard;

bool has_value(const YAML::Node& fields, const std::string& key) {
  YAML::Node value = model::yaml_field(fields, key);
  if (!value.IsDefined() || value.IsNull()) return false;
  if (value.IsScalar()) return !value.Scalar().empty();
  return value.size() > 0;
}

std::vector<std::string> split_alternatives(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, '|')) out.push_back(part);
  return out;
}

std::string quoted_list(const std::vector<std::string>& items, const char* joiner) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? joiner : ", ";
    out += "'" + items[i] + "'";
  }
  return out;
}

// Fine-tuned models name what they were tuned from: the card says so, or PEFT left its adapter
// configuration beside the weights.
bool looks_fine_tuned(const ModelCard& card, const BlobSource& blobs, const std::string& dir) {
  if (has_value(card.fields, "base_model_relation")) return true;
  YAML::Node tags = model::yaml_field(card.fields, "tags");
  if (tags.IsSequence()) {
    for (const auto& tag : tags) {
      if (!tag.IsScalar()) continue;
      std::string t = tag.Scalar();
      if (t == "fine-tuned" || t == "finetuned" || t == "fine-tune" || t == "peft" || t == "lora") {
        return true;
      }
    }
  }
  std::string adapter = dir.empty() ? "adapter_config.json" : dir + "/adapter_config.json";
  return blobs.size(Tree::head, adapter).has_value();
}

// What huggingface_hub's model_index_to_eval_results needs of each entry (it raises otherwise):
// a name, a list of results, each with task.type, dataset.type and dataset.name, and metrics with
// a type and a value. The first gap, or nullopt.
std::optional<std::string> model_index_problem(const YAML::Node& index) {
  if (!index.IsSequence()) return "model-index must be a list of entries";
  auto has = [](const YAML::Node& node, const char* key) {
    return node.IsMap() && node[key].IsDefined() && !node[key].IsNull();
  };
  for (size_t e = 0; e < index.size(); ++e) {
    std::string where = "model-index entry " + std::to_string(e + 1);
    const YAML::Node entry = index[e];
    if (!entry.IsMap()) return where + " is not a mapping";
    if (!has(entry, "name")) return where + " has no 'name'";
    if (!has(entry, "results") || !entry["results"].IsSequence()) {
      return where + " has no 'results' list";
    }
    const YAML::Node results = entry["results"];
    for (size_t r = 0; r < results.size(); ++r) {
      std::string at = where + ", result " + std::to_string(r + 1);
      const YAML::Node result = results[r];
      if (!result.IsMap()) return at + " is not a mapping";
      if (!has(result, "task") || !has(result["task"], "type")) return at + " has no 'task.type'";
      if (!has(result, "dataset")) return at + " has no 'dataset'";
      if (!has(result["dataset"], "type") || !has(result["dataset"], "name")) {
        return at + " has no 'dataset.type' and 'dataset.name'";
      }
      if (!has(result, "metrics") || !result["metrics"].IsSequence()) {
        return at + " has no 'metrics' list";
      }
      for (const auto& metric : result["metrics"]) {
        if (!has(metric, "type") || !has(metric, "value")) {
          return at + " has a metric without 'type' and 'value'";
        }
      }
    }
  }
  return std::nullopt;
}

class ModelCardRule : public Rule {
 public:
  ModelCardRule(std::vector<std::string> required, bool base_model_when_fine_tuned)
      : required_(std::move(required)), base_model_(base_model_when_fine_tuned) {}

  RuleResult evaluate(const RuleContext& context) const override {
    RuleResult result;
    auto folders = model::changed_model_folders(context);
    if (folders.empty()) result.skipped = "no added or changed model file in scope";
    for (const auto& folder : folders) {
      model::CardLookup lookup = model::find_model_card(context.blobs, folder.dir);
      if (!lookup.card && !lookup.problem) {
        Finding f = context.finding(folder.first_file,
                                    "model folder '" + (folder.dir.empty() ? "." : folder.dir) +
                                        "' has no model card (README.md with YAML front matter or "
                                        "model_card.yaml)");
        f.fingerprint_basis = "missing-card";
        result.findings.push_back(std::move(f));
        continue;
      }
      if (lookup.problem) {
        Finding f = context.finding(lookup.path, *lookup.problem);
        f.start_line = f.end_line = lookup.problem_line;
        f.fingerprint_basis = "unreadable-card";
        result.findings.push_back(std::move(f));
        continue;
      }
      judge(context, *lookup.card, folder.dir, result.findings);
    }
    return result;
  }

 private:
  void judge(const RuleContext& context, const ModelCard& card, const std::string& dir,
             std::vector<Finding>& findings) const {
    auto add = [&](uint32_t line, std::string message, std::string basis) {
      Finding f = context.finding(card.path, std::move(message));
      f.start_line = f.end_line = line;
      f.fingerprint_basis = std::move(basis);
      findings.push_back(std::move(f));
    };
    for (const auto& requirement : required_) {
      auto keys = split_alternatives(requirement);
      bool present = std::any_of(keys.begin(), keys.end(), [&](const std::string& key) {
        return has_value(card.fields, key);
      });
      if (!present) {
        add(card.first_line, "model card lacks " + quoted_list(keys, " or "),
            "missing:" + requirement);
      }
    }
    if (base_model_ && !has_value(card.fields, "base_model") &&
        looks_fine_tuned(card, context.blobs, dir)) {
      add(card.first_line, "model card of a fine-tuned model lacks 'base_model'",
          "missing:base_model");
    }
    YAML::Node index = model::yaml_field(card.fields, "model-index");
    if (index.IsDefined() && !index.IsNull()) {
      if (auto problem = model_index_problem(index)) {
        add(card.line_of("model-index"), *problem + " (huggingface_hub cannot read it)",
            "model-index");
      }
    }
    YAML::Node license = model::yaml_field(card.fields, "license");
    if (!license.IsDefined() || license.IsNull()) return;
    std::vector<YAML::Node> ids;
    if (license.IsSequence()) {
      for (const auto& item : license) ids.push_back(item);
    } else {
      ids.push_back(license);
    }
    uint32_t line = card.line_of("license");
    for (const auto& id : ids) {
      if (!id.IsScalar()) {
        add(line, "license must be an SPDX identifier, not a mapping or list", "license:shape");
        continue;
      }
      const std::string& text = id.Scalar();
      if (text == "other") {
        if (!has_value(card.fields, "license_name")) {
          add(line, "license 'other' needs 'license_name' (and ideally 'license_link')",
              "license:other");
        }
      } else if (!model::is_spdx_license(text)) {
        add(line,
            "license '" + text +
                "' is not an SPDX identifier (use one such as apache-2.0, "
                "mit, cc-by-4.0, or 'other' with license_name)",
            "license:" + text);
      }
    }
  }

  std::vector<std::string> required_;
  bool base_model_;
};

}  // namespace

RuleType model_card_type() {
  RuleType type;
  type.name = "model-card";
  type.family = "model";
  type.summary =
      "Each changed model folder has a model card with the required metadata and an "
      "SPDX license.";
  type.parameters = {
      {"required", "list of strings",
       "keys the card must hold; `a|b` accepts either (default: license, datasets, "
       "metrics|model-index)",
       false},
      {"base-model-when-fine-tuned", "boolean",
       "require base_model for fine-tuned models (base_model_relation, a fine-tune tag, or an "
       "adapter_config.json beside the weights); default true",
       false},
  };
  type.example =
      "- id: model-cards\n"
      "  type: model-card\n"
      "  assets: [model]\n"
      "  required: [license, datasets, metrics|model-index]\n";
  type.factory = [](const Params& params, const PolicyRule&) -> std::shared_ptr<const Rule> {
    std::vector<std::string> required = {"license", "datasets", "metrics|model-index"};
    if (params.has("required")) required = params.string_list("required");
    for (const auto& key : required) {
      if (key.empty() || key.front() == '|' || key.back() == '|' ||
          key.find("||") != std::string::npos) {
        params.fail("required", "has an empty key in '" + key + "'",
                    "separate alternatives with '|', e.g. metrics|model-index");
      }
    }
    bool base_model = params.boolean_or("base-model-when-fine-tuned", true);
    params.finish();
    return std::make_shared<ModelCardRule>(std::move(required), base_model);
  };
  return type;
}

}  // namespace gate::rules
