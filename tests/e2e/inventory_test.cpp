// The inventory of a decision through the built `gate check --sign-key` on a real git
// repository: the datasets and models of the change, with owners, schemas, manifests, licences,
// model cards and lineage, exactly as the signed statement records them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "attest/dsse.hpp"
#include "attest/keys.hpp"
#include "gate/types/redact.hpp"
#include "tests/support/support.hpp"

namespace gate::test {
namespace {

using json = nlohmann::json;

const char* kPolicy = R"(version: 1
assets:
  data: { paths: ["data/**"] }
  model: { paths: ["models/**"] }
  code: { paths: ["src/**"] }
rules:
  - id: small-files
    type: max-file-size
    limit: 1MB
)";

const char* kCodeowners =
    "* @acme/platform\n"
    "/data/ @acme/data-team\n"
    "/models/ @acme/ml @carol\n";

const char* kUsersSchema = R"({"fields": [{"name": "id", "type": "integer"}]})";

const char* kEventsPackage = R"({
  "name": "events",
  "licenses": [{"name": "CC0-1.0"}],
  "resources": [
    {"name": "events", "path": "events.csv", "licenses": [{"name": "ODC-BY-1.0"}],
     "schema": {"fields": [{"name": "day", "type": "date"}]}}
  ]
})";

const char* kImagesDvc =
    "outs:\n"
    "- md5: 0123456789abcdef0123456789abcdef.dir\n"
    "  size: 2048\n"
    "  nfiles: 2\n"
    "  hash: md5\n"
    "  path: images\n"
    "meta:\n"
    "  owner: data-team\n"
    "  license: CC-BY-4.0\n";

const char* kDvcYaml =
    "stages:\n"
    "  train:\n"
    "    cmd: python src/train.py\n"
    "    deps:\n"
    "    - data/users.csv\n"
    "    - src/train.py\n"
    "    outs:\n"
    "    - models/ranker/model.onnx\n";

const char* kDvcLock =
    "schema: '2.0'\n"
    "stages:\n"
    "  train:\n"
    "    cmd: python src/train.py\n"
    "    deps:\n"
    "    - path: data/users.csv\n"
    "      md5: 11111111111111111111111111111111\n"
    "    - path: src/train.py\n"
    "      md5: 22222222222222222222222222222222\n"
    "    outs:\n"
    "    - path: models/ranker/model.onnx\n"
    "      md5: 33333333333333333333333333333333\n";

const char* kCard =
    "---\n"
    "license: apache-2.0\n"
    "datasets:\n"
    "- acme/users\n"
    "base_model: bert-base-uncased\n"
    "metrics: [accuracy]\n"
    "---\n"
    "# Classifier\n";

class InventoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir / "signer.key",
               attest::PrivateKey::generate(attest::KeyType::ed25519).pkcs8_pem());
    repo.write(".gate/policy.yaml", kPolicy);
    repo.write(".github/CODEOWNERS", kCodeowners);
    repo.write("data/users.schema.json", kUsersSchema);
    repo.write("data/users.csv", "id\n1\n");
    repo.write("data/old.csv", "id\n7\n");
    repo.write("data/events/datapackage.json", kEventsPackage);
    repo.write("data/events/events.csv", "day\n2026-03-01\n");
    repo.write("dvc.yaml", kDvcYaml);
    repo.write("dvc.lock", kDvcLock);
    repo.write("src/train.py", "print('train')\n");
    repo.write("models/ranker/model.onnx", std::string("\x08\x07\x12\x04onnx", 8));
    repo.commit("base");
    repo.branch("feature");
  }

  // The signed statement's predicate.inventory of `gate check` over main..feature.
  json inventory() {
    RunResult result = run_gate({"check", "--repo", repo.dir(), "--base", "main", "--format",
                                 "json", "--sign-key", (dir / "signer.key").string(),
                                 "--attestation", (dir / "attestation.json").string()});
    EXPECT_EQ(result.exit_code, 0) << result.err << result.out;
    attest::Envelope envelope =
        attest::parse_envelope(read_file(dir / "attestation.json"), "attestation");
    json predicate = json::parse(envelope.payload)["predicate"];
    EXPECT_EQ(predicate["inventoryOmitted"], 0);
    return predicate["inventory"];
  }

  static json described(const std::string& path, const std::string& content) {
    return {{"path", path}, {"sha256", sha256_hex(content)}};
  }

  GitRepo repo;
  TempDir dir;
};

TEST_F(InventoryTest, TheStatementListsEachChangedDatasetAndModelWithWhatDescribesIt) {
  repo.write("data/users.csv", "id\n1\n2\n");
  repo.write("data/events/events.csv", "day\n2026-03-01\n2026-03-02\n");
  repo.remove("data/old.csv");
  repo.write("data/images.dvc", kImagesDvc);
  repo.write("models/classifier/model.safetensors", "{}");
  repo.write("models/classifier/README.md", kCard);
  repo.write("models/classifier/config.json", "{\"layers\": 2}\n");  // metadata, not a model
  repo.write("models/ranker/model.onnx", std::string("\x08\x08\x12\x04onnx", 8));
  repo.write("src/train.py", "print('train harder')\n");  // code: no item
  repo.commit("retrain");

  json expected = json::array({
      {{"kind", "dataset"},
       {"path", "data/events/events.csv"},
       {"change", "modified"},
       {"owners", {"@acme/data-team"}},
       {"schema", described("data/events/datapackage.json", kEventsPackage)},
       {"license", "ODC-BY-1.0"}},
      {{"kind", "dataset"},
       {"path", "data/images"},
       {"change", "added"},
       {"owners", {"@acme/data-team"}},
       {"manifest", described("data/images.dvc", kImagesDvc)},
       {"license", "CC-BY-4.0"}},
      {{"kind", "dataset"},
       {"path", "data/old.csv"},
       {"change", "deleted"},
       {"owners", {"@acme/data-team"}}},
      {{"kind", "dataset"},
       {"path", "data/users.csv"},
       {"change", "modified"},
       {"owners", {"@acme/data-team"}},
       {"schema", described("data/users.schema.json", kUsersSchema)}},
      {{"kind", "model"},
       {"path", "models/classifier/model.safetensors"},
       {"change", "added"},
       {"owners", {"@acme/ml", "@carol"}},
       {"modelCard", described("models/classifier/README.md", kCard)},
       {"license", "apache-2.0"},
       {"lineage",
        {{"source", "models/classifier/README.md"},
         {"inputs", {"acme/users", "bert-base-uncased"}}}}},
      {{"kind", "model"},
       {"path", "models/ranker/model.onnx"},
       {"change", "modified"},
       {"owners", {"@acme/ml", "@carol"}},
       {"lineage",
        {{"source", "dvc.lock"},
         {"stage", "train"},
         {"inputs", {"data/users.csv", "src/train.py"}}}}},
  });
  EXPECT_EQ(inventory(), expected) << inventory().dump(2);
}

TEST_F(InventoryTest, AChangeWithoutDataOrModelsHasAnEmptyInventory) {
  repo.write("src/train.py", "print('refactored')\n");
  repo.commit("code only");
  EXPECT_EQ(inventory(), json::array());
}

TEST_F(InventoryTest, AManyFileChangeIsClippedAtAThousandItemsAndCountsTheRest) {
  for (int i = 0; i < 1005; ++i) repo.write("data/shards/part-" + std::to_string(i) + ".csv", "");
  repo.commit("shards");
  RunResult result = run_gate({"check", "--repo", repo.dir(), "--base", "main", "--sign-key",
                               (dir / "signer.key").string(), "--attestation",
                               (dir / "attestation.json").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  attest::Envelope envelope =
      attest::parse_envelope(read_file(dir / "attestation.json"), "attestation");
  json predicate = json::parse(envelope.payload)["predicate"];
  EXPECT_EQ(predicate["inventory"].size(), 1000u);
  EXPECT_EQ(predicate["inventoryOmitted"], 5);
  EXPECT_EQ(predicate["inventory"][0]["path"], "data/shards/part-0.csv");
}

}  // namespace
}  // namespace gate::test
