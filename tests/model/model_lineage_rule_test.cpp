#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rules/model/dataset_declarations.hpp"
#include "tests/model/harness.hpp"

namespace gate::test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

void declare(RuleHarness& h) {
  h.head_only("data/reviews/datapackage.json",
              R"({"name": "reviews", "resources": [{"name": "train", "path": "train.csv",
                  "hash": "sha256:AAAA"}]})");
  h.head_only("data/images.dvc", "outs:\n- md5: 0123abcd.dir\n  size: 10\n  path: images\n");
  h.head_only(
      "pipelines/dvc.lock",
      "schema: '2.0'\nstages:\n  prepare:\n    outs:\n    - path: ../data/features.parquet\n"
      "      md5: ffff\n");
}

TEST(ModelLineage, DeclaredDatasetsAndMatchingDigestsPass) {
  RuleHarness h;
  declare(h);
  h.change("m/model.safetensors", "x");
  h.head_only("m/README.md",
              "---\ndatasets:\n- reviews\n- reviews/train\n- data/features.parquet\n"
              "dataset_digests:\n  images: md5:0123ABCD\n  reviews/train: sha256:aaaa\n---\n");
  EXPECT_THAT(h.findings("model-lineage"), IsEmpty());
}

TEST(ModelLineage, UndeclaredDatasetIsErrorUnlessExternal) {
  RuleHarness h;
  declare(h);
  h.change("m/model.safetensors", "x");
  h.head_only("m/README.md", "---\nlicense: mit\ndatasets: [imdb, reviews]\n---\n");
  EXPECT_THAT(h.findings("model-lineage"),
              ElementsAre("error m/README.md: dataset 'imdb' named by the model card is not "
                          "declared in the repository (no datapackage.json resource or DVC "
                          "output of that name)"));
  EXPECT_THAT(h.findings("model-lineage", "{external: [imdb]}"), IsEmpty());
}

TEST(ModelLineage, DigestMismatchIsErrorAndUnverifiableIsWarning) {
  RuleHarness h;
  declare(h);
  h.change("m/model.safetensors", "x");
  h.head_only("m/model_card.yaml",
              "datasets:\n- name: images\n  md5: 99999999\n- name: reviews\n  digest: md5:1234\n");
  auto result = h.run("model-lineage");
  std::vector<std::string> lines;
  for (const auto& f : result.findings) {
    lines.push_back(std::string(to_string(f.severity)) + " " + std::to_string(f.start_line) + " " +
                    f.message);
  }
  EXPECT_THAT(lines, ElementsAre("warning 1 digest md5:1234 of dataset 'reviews' cannot be "
                                 "verified: its declaration in data/reviews/datapackage.json "
                                 "records no md5 digest",
                                 "error 1 digest of dataset 'images' in the model card "
                                 "(md5:99999999) does not match its declaration in "
                                 "data/images.dvc (md5:0123abcd.dir)"));
}

TEST(ModelLineage, CardWithoutDatasetsIsSkipped) {
  RuleHarness h;
  h.change("m/model.safetensors", "x");
  h.head_only("m/README.md", "---\nlicense: mit\n---\n");
  EXPECT_TRUE(h.run("model-lineage").skipped.has_value());
}

TEST(DatasetDeclarations, HostileDeclarationsAreIgnoredNotFatal) {
  rules::model::DatasetIndex index;
  rules::model::add_data_package("datapackage.json", std::string(100000, '['), index);
  rules::model::add_data_package("datapackage.json", "{\"resources\": [1, {\"path\": 3}]}", index);
  rules::model::add_dvc_file("x.dvc", "outs: [[[[", index);
  rules::model::add_dvc_file("x.dvc", "outs:\n- path: ../../../etc/passwd\n", index);
  rules::model::add_dvc_file("dvc.lock", "stages: 3\n", index);
  ASSERT_EQ(index.entries().size(), 1u);  // a path leaving the repository keeps its literal name
  EXPECT_EQ(index.entries()[0].name, "../../../etc/passwd");
}

}  // namespace
}  // namespace gate::test
