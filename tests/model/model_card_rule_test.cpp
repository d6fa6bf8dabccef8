#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/model/harness.hpp"

namespace gate::test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const char* kGoodCard =
    "---\n"
    "license: apache-2.0\n"
    "datasets:\n"
    "  - reviews\n"
    "metrics:\n"
    "  - accuracy\n"
    "---\n"
    "# Sentiment model\n";

TEST(ModelCard, CompleteCardPasses) {
  RuleHarness h;
  h.change("models/sent/model.safetensors", "x");
  h.head_only("models/sent/README.md", kGoodCard);
  EXPECT_THAT(h.findings("model-card"), IsEmpty());
}

TEST(ModelCard, ModelCardYamlIsAccepted) {
  RuleHarness h;
  h.change("models/sent/model.onnx", "x");
  h.head_only("models/sent/model_card.yaml",
              "license: other\nlicense_name: acme-eula\ndatasets: [a]\nmetrics: [accuracy]\n");
  EXPECT_THAT(h.findings("model-card"), IsEmpty());
}

TEST(ModelCard, MissingCardIsError) {
  RuleHarness h;
  h.change("models/sent/model.safetensors", "x");
  EXPECT_THAT(h.findings("model-card"),
              ElementsAre("error models/sent/model.safetensors: model folder 'models/sent' has no "
                          "model card (README.md with YAML front matter or model_card.yaml)"));
}

TEST(ModelCard, MissingKeysAndBadLicenseAreReportedWithLines) {
  RuleHarness h;
  h.change("m/model.bin", "x");
  h.head_only("m/README.md", "---\nlanguage: en\nlicense: apache2\n---\n");
  auto result = h.run("model-card");
  std::vector<std::string> lines;
  for (const auto& f : result.findings) {
    lines.push_back(std::to_string(f.start_line) + " " + f.message);
  }
  EXPECT_THAT(lines, ElementsAre("2 model card lacks 'datasets'",
                                 "2 model card lacks 'metrics' or 'model-index'",
                                 "3 license 'apache2' is not an SPDX identifier (use one such as "
                                 "apache-2.0, mit, cc-by-4.0, or 'other' with license_name)"));
}

TEST(ModelCard, CardsReadAsHuggingFaceHubReadsThem) {
  RuleHarness h;
  // Blank lines before the fence, a Hub licence id, a repeated key (the last one counts).
  h.change("hub/unet/diffusion_pytorch_model.safetensors", "x");
  h.head_only(
      "hub/README.md",
      "\n\n---\nlicense: not-a-licence\nlicense: llama3.1\ndatasets: [a]\nmodel-index:\n"
      "- name: m\n  results:\n  - task: {type: t}\n    metrics: [{type: acc, value: 1}]\n---\n");
  // The card at the model root covers the diffusers component folder; the model-index lacks
  // its dataset, which huggingface_hub refuses.
  EXPECT_THAT(h.findings("model-card"),
              ElementsAre("error hub/README.md: model-index entry 1, result 1 has no 'dataset' "
                          "(huggingface_hub cannot read it)"));
  RuleHarness bom;
  bom.change("m/model.bin", "x");
  bom.head_only("m/README.md", "\xEF\xBB\xBF---\nlicense: mit\n---\n");
  EXPECT_THAT(bom.findings("model-card"),
              ElementsAre("error m/README.md: README.md has no YAML front matter (a block "
                          "between '---' lines at the top)"));
}

TEST(ModelCard, OtherLicenseNeedsName) {
  RuleHarness h;
  h.change("m/model.bin", "x");
  h.head_only("m/README.md", "---\nlicense: other\ndatasets: [a]\nmetrics: [f1]\n---\n");
  EXPECT_THAT(h.findings("model-card"),
              ElementsAre("error m/README.md: license 'other' needs 'license_name' (and ideally "
                          "'license_link')"));
}

TEST(ModelCard, FineTunedModelNeedsBaseModel) {
  RuleHarness h;
  h.change("m/adapter_model.safetensors", "x");
  h.head_only("m/adapter_config.json", "{}");
  h.head_only("m/README.md", "---\nlicense: mit\ndatasets: [a]\nmetrics: [f1]\n---\n");
  EXPECT_THAT(
      h.findings("model-card"),
      ElementsAre("error m/README.md: model card of a fine-tuned model lacks 'base_model'"));
  h.head_only("m/README.md",
              "---\nlicense: mit\ndatasets: [a]\nmetrics: [f1]\nbase_model: org/base\n---\n");
  EXPECT_THAT(h.findings("model-card"), IsEmpty());
}

TEST(ModelCard, RequiredKeysAreConfigurable) {
  RuleHarness h;
  h.change("m/model.bin", "x");
  h.head_only("m/README.md", "---\nlicense: MIT\n---\n");
  EXPECT_THAT(h.findings("model-card", "{required: [license]}"), IsEmpty());
  EXPECT_THAT(h.findings("model-card", "{required: [license, pipeline_tag]}"),
              ElementsAre("error m/README.md: model card lacks 'pipeline_tag'"));
}

TEST(ModelCard, HostileFrontMatterIsAFindingNotACrash) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"no front matter", "# Model\n"},
      {"unclosed", "---\nlicense: mit\n"},
      {"not a mapping", "---\n- a\n- b\n---\n"},
      {"invalid yaml", "---\nlicense: [mit\n---\n"},
      {"deep nesting", "---\nx: " + std::string(100000, '[') + "\n---\n"},
      {"deep block nesting", "---\n" +
                                 [] {
                                   std::string s;
                                   for (int i = 0; i < 3000; ++i) s += std::string(i, ' ') + "k:\n";
                                   return s;
                                 }() +
                                 "---\n"},
      {"oversized", "---\nlicense: mit\n---\n" + std::string(2 << 20, 'x')},
  };
  for (const auto& [label, text] : cases) {
    RuleHarness h;
    h.change("m/model.bin", "x");
    h.head_only("m/README.md", text);
    auto result = h.run("model-card");
    ASSERT_FALSE(result.findings.empty()) << label;
    EXPECT_EQ(result.findings[0].path, "m/README.md") << label;
  }
}

TEST(ModelCard, BadParametersAreInputErrors) {
  RuleHarness h;
  EXPECT_THROW(h.run("model-card", "{required: ['license|']}"), InputError);
  EXPECT_THROW(h.run("model-card", "{require: [license]}"), InputError);
}

}  // namespace
}  // namespace gate::test
