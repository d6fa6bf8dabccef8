// The lineage the inventory records: which DVC stage outputs a path, and from what.
#include "gate/engine/dvc_lineage.hpp"

#include <gtest/gtest.h>

namespace gate {
namespace {

using Inputs = std::vector<std::string>;

TEST(PipelineLineage, AStageOfDvcYamlNamesItsDepsAsRepositoryPaths) {
  MemoryBlobSource blobs;
  blobs.put(Tree::head, "ml/dvc.yaml",
            "stages:\n"
            "  prepare:\n"
            "    wdir: ..\n"
            "    cmd: python prep.py\n"
            "    deps: [raw/users.csv, prep.py]\n"
            "    outs:\n"
            "    - data/clean.csv:\n"
            "        cache: false\n"
            "    - data/shards\n"
            "  templated:\n"
            "    cmd: echo\n"
            "    deps: ['${item}.csv']\n"
            "    outs: ['${item}.out', 'http://example.com/x']\n");
  PipelineIndex index = PipelineIndex::load(blobs, Tree::head);
  auto clean = index.lineage_of("data/clean.csv");
  ASSERT_TRUE(clean);
  EXPECT_EQ(*clean, (Lineage{"ml/dvc.yaml", "prepare", Inputs{"raw/users.csv", "prep.py"}}));
  // A folder output covers every file below it.
  auto shard = index.lineage_of("data/shards/part-1.csv");
  ASSERT_TRUE(shard);
  EXPECT_EQ(shard->stage, "prepare");
  EXPECT_FALSE(index.lineage_of("data/shardsX"));
  EXPECT_FALSE(index.lineage_of("raw/users.csv"));  // a dependency, not an output
  EXPECT_FALSE(index.lineage_of("${item}.out"));
}

TEST(PipelineLineage, TheLockWinsOverTheYamlBesideItAndBrokenFilesGiveNothing) {
  MemoryBlobSource blobs;
  blobs.put(Tree::head, "dvc.yaml",
            "stages:\n  train:\n    cmd: x\n    deps: [old.csv]\n    outs: [model.pkl]\n");
  blobs.put(Tree::head, "dvc.lock",
            "schema: '2.0'\nstages:\n  train:\n    cmd: x\n    deps:\n    - path: new.csv\n"
            "      md5: 11111111111111111111111111111111\n    outs:\n    - path: model.pkl\n");
  blobs.put(Tree::head, "broken/dvc.lock", "stages: [unclosed\n");
  blobs.put(Tree::head, "odd/dvc.yaml", "- a list, not a mapping\n");
  PipelineIndex index = PipelineIndex::load(blobs, Tree::head);
  auto model = index.lineage_of("model.pkl");
  ASSERT_TRUE(model);
  EXPECT_EQ(*model, (Lineage{"dvc.lock", "train", Inputs{"new.csv"}}));
}

TEST(PipelineLineage, ManyDepsAreClippedToTheInventoryBound) {
  std::string yaml = "stages:\n  big:\n    cmd: x\n    outs: [out.bin]\n    deps:\n";
  for (int i = 0; i < 500; ++i) yaml += "    - in/" + std::to_string(i) + "\n";
  PipelineIndex index;
  index.add("dvc.yaml", yaml, {});
  auto out = index.lineage_of("out.bin");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->inputs.size(), kMaxInventoryList);
}

}  // namespace
}  // namespace gate
