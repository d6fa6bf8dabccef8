// The data rules through the built `gate check` on a real git repository.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/support.hpp"

namespace gate::test {
namespace {

const char* kPolicy = R"(version: 1
owners: ["@acme/data"]
assets:
  data: { paths: ["data/**"] }
rules:
  - id: contracts
    type: data-schema
    assets: [data]
  - id: manifests
    type: data-manifest
    required-meta: [owner]
  - id: pii
    type: data-pii
    assets: [data]
)";

class DataCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo.write(".gate/policy.yaml", kPolicy);
    repo.write("data/users.schema.json",
               R"({"fields": [{"name": "id", "type": "integer"}, {"name": "note"}]})");
    repo.write("data/users.csv", "id,note\n1,first\n");
    repo.commit("base");
    repo.branch("feature");
  }

  nlohmann::json check_json(int expected_exit) {
    RunResult result =
        run_gate({"check", "--repo", repo.dir(), "--base", "main", "--format", "json"});
    EXPECT_EQ(result.exit_code, expected_exit) << result.err << result.out;
    return nlohmann::json::parse(result.out);
  }

  std::vector<std::string> messages(const nlohmann::json& report) {
    std::vector<std::string> out;
    for (const auto& f : report["findings"]) {
      out.push_back(f["rule_id"].get<std::string>() + " " + f["path"].get<std::string>() + ":" +
                    std::to_string(f["start_line"].get<int>()) + " " +
                    f["message"].get<std::string>());
    }
    return out;
  }

  GitRepo repo;
};

TEST_F(DataCheckTest, ValidRowsPass) {
  repo.write("data/users.csv", "id,note\n1,first\n2,second\n");
  repo.commit("more rows");
  nlohmann::json report = check_json(0);
  EXPECT_EQ(messages(report), std::vector<std::string>{});
}

TEST_F(DataCheckTest, BadRowsPiiAndUntrackedDataBlock) {
  repo.write("data/users.csv", "id,note\n1,first\nx,mail jane.doe@example.com\n");
  repo.write("data/loose.txt", "nothing personal\n");
  repo.commit("bad rows");
  nlohmann::json report = check_json(1);
  EXPECT_EQ(messages(report),
            (std::vector<std::string>{
                "manifests data/loose.txt:0 data file is neither tracked by a DVC manifest nor "
                "described by a Table Schema (run `dvc add data/loose.txt` or add a "
                "datapackage.json resource with a schema)",
                "contracts data/users.csv:3 row 3, column 1 (field 'id'): 'x' is not a valid "
                "integer",
                "pii data/users.csv:3 line 3, column 2 ('note'): e-mail address jane\xE2\x80\xA6 "
                "(20 chars)",
            }));
  EXPECT_EQ(report.dump().find("jane.doe"), std::string::npos);
}

}  // namespace
}  // namespace gate::test
