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

// A folder `dvc add` tracks: ignored by git, its listing object in the workspace's DVC cache. The
// digests are DVC's (md5 of json.dumps(listing, sort_keys=True)).
TEST_F(DataCheckTest, DvcFolderInTheWorkspaceAndStageDependenciesAreVerified) {
  repo.write("data/.gitignore", "/images\n");
  repo.write("data/images.dvc",
             "outs:\n- md5: 074c393b1da19f7ebfa6a0a975fb6ff1.dir\n  size: 2\n  nfiles: 2\n"
             "  hash: md5\n  path: images\nmeta:\n  owner: data-team\n");
  repo.write("data/images/a.png", "A");
  repo.write("data/images/b.png", "B");
  repo.write(".dvc/.gitignore", "/cache\n");
  repo.write(".dvc/cache/files/md5/07/4c393b1da19f7ebfa6a0a975fb6ff1.dir",
             R"([{"md5": "7fc56270e7a70fa81a5935b72eacbe29", "relpath": "a.png"}, )"
             R"({"md5": "9d5ed678fe57bcca610140957afab571", "relpath": "b.png"}])");
  repo.write("src/prep.py", "print(1)\n");
  repo.write("dvc.yaml", "stages:\n  prep:\n    cmd: python prep.py\n    wdir: src\n");
  repo.write("dvc.lock",
             "schema: '2.0'\nstages:\n  prep:\n    cmd: python prep.py\n    deps:\n"
             "    - path: prep.py\n      hash: md5\n      md5: dee5c46989f5ec092311188f4fe829c3\n"
             "      size: 9\n");
  repo.commit("track images, a stage");
  EXPECT_EQ(messages(check_json(0)), std::vector<std::string>{});

  repo.write("data/images/b.png", "B2");  // in the workspace only: git ignores it
  repo.write("src/prep.py", "print(2)\n");
  repo.commit("change the stage's code, not its lock");
  EXPECT_EQ(messages(check_json(1)),
            (std::vector<std::string>{
                "manifests data/images.dvc:2 'data/images' in the workspace holds 3 bytes but the "
                "manifest records 2",
                "manifests data/images.dvc:2 'data/images/b.png' in the workspace has md5 "
                "bbd97b00c539801e32317ab550867ec4 but the folder's recorded listing has "
                "9d5ed678fe57bcca610140957afab571 (run `dvc commit` or `dvc add`)",
                "manifests dvc.lock:6 dependency 'src/prep.py' of stage 'prep' in the repository "
                "has md5 ccb2b99281944a964bd9149f07174af8 but dvc.lock records "
                "dee5c46989f5ec092311188f4fe829c3 (run `dvc repro` to rerun the stage)",
            }));
}

}  // namespace
}  // namespace gate::test
