#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/model/harness.hpp"

namespace gate::test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const char* kRule =
    "{file: m/metrics.json, thresholds: {accuracy: '>= 0.9', eval.latency_ms: '<= 50'}, "
    "tolerance: '0.01'}";

TEST(ModelMetrics, ThresholdsMetPasses) {
  RuleHarness h;
  h.change("m/metrics.json", R"({"accuracy": 0.93, "eval": {"latency_ms": 41}})");
  EXPECT_THAT(h.findings("model-metrics", kRule), IsEmpty());
}

TEST(ModelMetrics, ThresholdsMissedAreErrors) {
  RuleHarness h;
  h.change("m/metrics.json", R"({"accuracy": 0.85, "eval": {"latency_ms": 75.5}})");
  EXPECT_THAT(h.findings("model-metrics", kRule),
              ElementsAre("error m/metrics.json: metric 'accuracy' is 0.85, which does not meet "
                          ">= 0.9",
                          "error m/metrics.json: metric 'eval.latency_ms' is 75.5, which does not "
                          "meet <= 50"));
}

TEST(ModelMetrics, RegressionBeyondToleranceIsError) {
  RuleHarness h;
  h.base("m/metrics.json", R"({"accuracy": 0.97, "eval": {"latency_ms": 30}})");
  h.change("m/metrics.json", R"({"accuracy": 0.95, "eval": {"latency_ms": 30.005}})");
  EXPECT_THAT(h.findings("model-metrics", kRule),
              ElementsAre("error m/metrics.json: metric 'accuracy' regressed from 0.97 to 0.95, "
                          "more than the tolerance of 0.01"));
}

TEST(ModelMetrics, RelativeAndPerKeyTolerances) {
  RuleHarness h;
  h.base("m/metrics.yaml", "accuracy: 0.95\neval:\n  latency_ms: 40\n");
  h.change("m/metrics.yaml", "accuracy: 0.94\neval:\n  latency_ms: 45\n");
  EXPECT_THAT(h.findings("model-metrics",
                         "{file: m/metrics.yaml, thresholds: {accuracy: '>= 0.9', "
                         "eval.latency_ms: '<= 50'}, tolerance: '2%', tolerances: "
                         "{eval.latency_ms: '10%'}}"),
              ElementsAre("error m/metrics.yaml: metric 'eval.latency_ms' regressed from 40 to "
                          "45, more than the tolerance of 10%"));
}

TEST(ModelMetrics, MissingFileKeyAndNonNumbers) {
  RuleHarness h;
  h.change("m/other.txt", "x");
  EXPECT_THAT(h.findings("model-metrics", kRule),
              ElementsAre("error m/metrics.json: metrics file m/metrics.json does not exist"));
  RuleHarness k;
  k.change("m/metrics.json", R"({"accuracy": "high"})");
  EXPECT_THAT(k.findings("model-metrics", kRule),
              ElementsAre("error m/metrics.json: metric 'accuracy' is not a number",
                          "error m/metrics.json: metric 'eval.latency_ms' is missing from "
                          "m/metrics.json"));
}

TEST(ModelMetrics, HostileMetricsFilesAreFindings) {
  for (const std::string& text :
       {std::string("{\"accuracy\": "), std::string(200000, '['), std::string("\xff\xfe")}) {
    RuleHarness h;
    h.change("m/metrics.json", text);
    auto found = h.findings("model-metrics", kRule);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_THAT(found[0], ::testing::StartsWith("error m/metrics.json: metrics file "));
  }
}

TEST(ModelMetrics, BadParametersAreInputErrors) {
  RuleHarness h;
  EXPECT_THROW(h.run("model-metrics", "{file: m.json, thresholds: {a: 'about 3'}}"), InputError);
  EXPECT_THROW(h.run("model-metrics", "{file: m.json}"), InputError);
  EXPECT_THROW(h.run("model-metrics", "{thresholds: {a: '> 1'}}"), InputError);
  EXPECT_THROW(h.run("model-metrics", "{file: m.json, thresholds: {a: '> 1'}, tolerance: -1}"),
               InputError);
}

}  // namespace
}  // namespace gate::test
