#include "rules/model/model_lineage.hpp"
#include "gate/types/text.hpp"

#include <algorithm>

#include "gate/types/glob.hpp"
#include "rules/model/dataset_declarations.hpp"
#include "rules/model/model_card_reader.hpp"
#include "rules/model/yaml_field.hpp"

namespace gate::rules {

namespace {

using model::DeclaredDataset;

struct CardDataset {
  std::string name;
  std::optional<std::string> digest;  // as written: md5:..., sha256:... or bare hex
};

// The datasets a card names: `datasets:` entries (names, or mappings with name and a digest
// under md5/sha256/digest) and `dataset_digests:` (name -> digest).
std::vector<CardDataset> card_datasets(const model::ModelCard& card) {
  std::vector<CardDataset> out;
  const YAML::Node& fields = card.fields;
  YAML::Node datasets = model::yaml_field(fields, "datasets");
  std::vector<YAML::Node> items;
  if (datasets.IsSequence()) {
    for (const auto& item : datasets) items.push_back(item);
  } else if (datasets.IsDefined() && !datasets.IsNull()) {
    items.push_back(datasets);
  }
  for (const auto& item : items) {
    if (item.IsScalar()) {
      out.push_back({item.Scalar(), std::nullopt});
    } else if (item.IsMap()) {
      const YAML::Node& entry = item;
      if (!model::yaml_field(entry, "name").IsScalar()) continue;
      CardDataset dataset{model::yaml_field(entry, "name").Scalar(), std::nullopt};
      if (model::yaml_field(entry, "md5").IsScalar())
        dataset.digest = "md5:" + model::yaml_field(entry, "md5").Scalar();
      if (model::yaml_field(entry, "sha256").IsScalar())
        dataset.digest = "sha256:" + model::yaml_field(entry, "sha256").Scalar();
      if (model::yaml_field(entry, "digest").IsScalar())
        dataset.digest = model::yaml_field(entry, "digest").Scalar();
      out.push_back(std::move(dataset));
    }
  }
  YAML::Node digests = model::yaml_field(fields, "dataset_digests");
  if (digests.IsMap()) {
    for (const auto& entry : digests) {
      if (!entry.first.IsScalar() || !entry.second.IsScalar()) continue;
      auto known = std::find_if(out.begin(), out.end(), [&](const CardDataset& d) {
        return d.name == entry.first.Scalar();
      });
      if (known != out.end()) {
        known->digest = entry.second.Scalar();
      } else {
        out.push_back({entry.first.Scalar(), entry.second.Scalar()});
      }
    }
  }
  return out;
}

// Algorithm and lowercase hex of a card digest; the algorithm is guessed from the length when
// the card writes bare hex.
std::pair<std::string, std::string> split_digest(const std::string& text) {
  std::string digest = ascii_lower(text);
  size_t colon = digest.find(':');
  if (colon != std::string::npos) return {digest.substr(0, colon), digest.substr(colon + 1)};
  std::string bare = digest.substr(0, digest.find(".dir"));
  return {bare.size() == 64 ? "sha256" : "md5", digest};
}

std::string strip_dir(const std::string& md5) {
  return md5.size() > 4 && md5.compare(md5.size() - 4, 4, ".dir") == 0
             ? md5.substr(0, md5.size() - 4)
             : md5;
}

class ModelLineage : public Rule {
 public:
  explicit ModelLineage(GlobList external) : external_(std::move(external)) {}

  RuleResult evaluate(const RuleContext& context) const override {
    RuleResult result;
    auto folders = model::changed_model_folders(context);
    std::optional<model::DatasetIndex> index;
    size_t judged = 0;
    for (const auto& folder : folders) {
      model::CardLookup lookup = model::find_model_card(context.blobs, folder.dir);
      if (!lookup.card) continue;  // model-card reports missing or unreadable cards
      std::vector<CardDataset> datasets = card_datasets(*lookup.card);
      if (datasets.empty()) continue;
      ++judged;
      if (!index) index = model::load_dataset_declarations(context.blobs, Tree::head);
      uint32_t line = lookup.card->line_of("datasets");
      for (const auto& dataset : datasets)
        judge(context, *lookup.card, line, dataset, *index, result);
    }
    if (judged == 0) result.skipped = "no changed model whose card names datasets";
    return result;
  }

 private:
  void judge(const RuleContext& context, const model::ModelCard& card, uint32_t line,
             const CardDataset& dataset, const model::DatasetIndex& index,
             RuleResult& result) const {
    auto add = [&](Severity most, std::string message, std::string basis) {
      Finding f = context.finding(card.path, std::move(message));
      f.severity = std::min(f.severity, most);
      f.start_line = f.end_line = line;
      f.fingerprint_basis = std::move(basis);
      result.findings.push_back(std::move(f));
    };
    std::vector<const DeclaredDataset*> declared = index.find(dataset.name);
    if (declared.empty()) {
      if (!external_.empty() && external_.matches(dataset.name)) return;
      add(Severity::error,
          "dataset '" + dataset.name +
              "' named by the model card is not declared in the "
              "repository (no datapackage.json resource or DVC output of that name)",
          "undeclared:" + dataset.name);
      return;
    }
    if (!dataset.digest) return;
    auto [algorithm, digest] = split_digest(*dataset.digest);
    bool comparable = false;
    for (const auto* entry : declared) {
      const std::optional<std::string>& known = algorithm == "sha256" ? entry->sha256 : entry->md5;
      if (algorithm != "sha256" && algorithm != "md5") break;
      if (!known) continue;
      comparable = true;
      if (strip_dir(*known) == strip_dir(digest)) return;
    }
    if (!comparable) {
      add(Severity::warning,
          "digest " + *dataset.digest + " of dataset '" + dataset.name +
              "' cannot be verified: its declaration in " + declared.front()->declared_in +
              " records no " + algorithm + " digest",
          "unverifiable:" + dataset.name);
      return;
    }
    const DeclaredDataset* first = declared.front();
    std::string recorded =
        algorithm == "sha256" ? first->sha256.value_or("?") : first->md5.value_or("?");
    add(Severity::error,
        "digest of dataset '" + dataset.name + "' in the model card (" + algorithm + ":" + digest +
            ") does not match its declaration in " + first->declared_in + " (" + algorithm + ":" +
            recorded + ")",
        "digest:" + dataset.name);
  }

  GlobList external_;
};

}  // namespace

RuleType model_lineage_type() {
  RuleType type;
  type.name = "model-lineage";
  type.family = "model";
  type.summary =
      "Datasets a model card names are declared in the repository (data package or "
      "DVC) and recorded digests match.";
  type.parameters = {
      {"external", "list of globs",
       "dataset names allowed without a declaration (e.g. public hub datasets: `glue`, "
       "`huggingface/*`)",
       false},
  };
  type.example =
      "- id: model-lineage\n"
      "  type: model-lineage\n"
      "  assets: [model]\n"
      "  external: [imagenet-1k]\n";
  type.factory = [](const Params& params, const PolicyRule&) -> std::shared_ptr<const Rule> {
    GlobList external;
    try {
      external = GlobList(params.string_list("external"));
    } catch (const std::exception& error) {
      params.fail("external", std::string("has an invalid glob: ") + error.what());
    }
    params.finish();
    return std::make_shared<ModelLineage>(std::move(external));
  };
  return type;
}

}  // namespace gate::rules
