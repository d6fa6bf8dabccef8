// The model rules through the built `gate` binary on real git repositories.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/model/harness.hpp"
#include "tests/support/support.hpp"

namespace gate::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const char* kPolicy = R"(version: 1
owners: ["@acme/ml"]
assets:
  model: { paths: ["models/**"] }
rules:
  - id: safe-models
    type: model-serialization
    assets: [model]
  - id: model-cards
    type: model-card
    assets: [model]
  - id: lineage
    type: model-lineage
    assets: [model]
  - id: quality
    type: model-metrics
    paths: ["models/**"]
    file: models/clf/metrics.json
    thresholds: { accuracy: ">= 0.9" }
    tolerance: "0.01"
)";

const char* kCard = "---\nlicense: apache-2.0\ndatasets: [reviews]\nmetrics: [accuracy]\n---\n";

class ModelEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    repo.write(".gate/policy.yaml", kPolicy);
    repo.write("data/datapackage.json",
               R"({"name": "reviews", "resources": [{"name": "train", "path": "train.csv"}]})");
    repo.write("models/clf/README.md", kCard);
    repo.write("models/clf/metrics.json", R"({"accuracy": 0.95})");
    repo.commit("base");
    repo.branch("feature");
  }
  RunResult check() { return run_gate({"check", "--repo", repo.dir(), "--base", "main"}); }
  GitRepo repo;
};

TEST_F(ModelEndToEnd, SafeCheckpointWithCardAndMetricsPasses) {
  repo.write("models/clf/model.pt", fixture("benign.pt"));
  repo.write("models/clf/metrics.json", R"({"accuracy": 0.945})");
  repo.commit("retrain");
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
}

TEST_F(ModelEndToEnd, MaliciousCheckpointBlocksTheMerge) {
  repo.write("models/clf/model.pt", fixture("malicious.pt"));
  repo.commit("retrain");
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("member 'archive/data.pkl' imports posix.system, which is "
                                    "denied: loading the file calls it"));
}

TEST_F(ModelEndToEnd, MissingCardUndeclaredDatasetAndRegressionAreReported) {
  repo.write("models/new/model.safetensors", fixture("benign.safetensors"));
  repo.write("models/clf/README.md",
             "---\nlicense: apache-2.0\ndatasets: [imdb]\nmetrics: [accuracy]\n---\n");
  repo.write("models/clf/metrics.json", R"({"accuracy": 0.91})");
  repo.commit("change");
  RunResult result = check();
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("model folder 'models/new' has no model card"));
  EXPECT_THAT(result.out, HasSubstr("dataset 'imdb' named by the model card is not declared"));
  EXPECT_THAT(result.out,
              HasSubstr("metric 'accuracy' regressed from 0.95 to 0.91, more than the tolerance "
                        "of 0.01"));
  EXPECT_THAT(result.out, Not(HasSubstr("posix.system")));
}

}  // namespace
}  // namespace gate::test
