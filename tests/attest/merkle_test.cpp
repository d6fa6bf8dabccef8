// RFC 6962 test vectors and corrupted-proof probes from transparency-dev/merkle
// (proof/verify_test.go), run against Gate's tree, proof builder and verifiers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "attest/merkle.hpp"

namespace gate::attest::merkle {
namespace {

std::string dh(const std::string& hex) { return *from_hex(hex); }

const std::vector<std::string> kLeaves = {dh(""),
                                          dh("00"),
                                          dh("10"),
                                          dh("2021"),
                                          dh("3031"),
                                          dh("40414243"),
                                          dh("5051525354555657"),
                                          dh("606162636465666768696a6b6c6d6e6f")};

const std::vector<std::string> kRoots = {
    dh("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    dh("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    dh("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    dh("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    dh("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    dh("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    dh("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    dh("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")};

const std::string kSomeHash =
    dh("abacaba000000000000000000000000000000000000000000060061e00123456");
const std::string kEmptyTreeHash =
    dh("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

struct InclusionVector {
  uint64_t leaf;  // 1-based, as in the Go file
  uint64_t size;
  std::vector<std::string> proof;
};

const std::vector<InclusionVector> kInclusion = {
    {1,
     8,
     {dh("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
      dh("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
      dh("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")}},
    {6,
     8,
     {dh("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
      dh("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
      dh("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")}},
    {3, 3, {dh("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")}},
    {2,
     5,
     {dh("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
      dh("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
      dh("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")}},
    {1, 1, {}},
};

struct ConsistencyVector {
  uint64_t size1;
  uint64_t size2;
  std::vector<std::string> proof;
};

const std::vector<ConsistencyVector> kConsistency = {
    {1, 1, {}},
    {1,
     8,
     {dh("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
      dh("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
      dh("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")}},
    {6,
     8,
     {dh("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
      dh("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
      dh("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")}},
    {2,
     5,
     {dh("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
      dh("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")}},
    {6,
     7,
     {dh("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
      dh("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
      dh("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")}},
};

MemoryTree tree_of(uint64_t size) {
  MemoryTree tree;
  for (uint64_t i = 0; i < size; ++i) tree.append(leaf_hash(kLeaves[i]));
  return tree;
}

std::vector<std::string> as_strings(const std::vector<Hash>& hashes) {
  std::vector<std::string> out;
  for (const auto& hash : hashes) out.emplace_back(as_bytes(hash));
  return out;
}

std::vector<std::string> with(std::vector<std::string> proof, const std::string& extra,
                              bool front) {
  if (front) {
    proof.insert(proof.begin(), extra);
  } else {
    proof.push_back(extra);
  }
  return proof;
}

TEST(Merkle, EmptyTreeRootIsSha256OfNothing) {
  EXPECT_EQ(std::string(as_bytes(empty_root())), kEmptyTreeHash);
  EXPECT_EQ(std::string(as_bytes(MemoryTree().root())), kEmptyTreeHash);
}

TEST(Merkle, RootsMatchRfc6962Vectors) {
  for (uint64_t size = 1; size <= 8; ++size) {
    EXPECT_EQ(to_hex(tree_of(size).root()), to_hex(kRoots[size - 1])) << "size " << size;
  }
}

TEST(Merkle, InclusionProofsMatchVectorsAndVerify) {
  for (const auto& vector : kInclusion) {
    MemoryTree tree = tree_of(vector.size);
    auto proof = as_strings(inclusion_proof(tree.source(), vector.leaf - 1, vector.size));
    EXPECT_EQ(proof, vector.proof) << "leaf " << vector.leaf << " size " << vector.size;
    std::string leaf(as_bytes(leaf_hash(kLeaves[vector.leaf - 1])));
    EXPECT_EQ(
        verify_inclusion(vector.leaf - 1, vector.size, leaf, vector.proof, kRoots[vector.size - 1]),
        std::nullopt);
  }
}

TEST(Merkle, ConsistencyProofsMatchVectorsAndVerify) {
  for (const auto& vector : kConsistency) {
    MemoryTree tree = tree_of(vector.size2);
    auto proof = as_strings(consistency_proof(tree.source(), vector.size1, vector.size2));
    EXPECT_EQ(proof, vector.proof) << vector.size1 << " -> " << vector.size2;
    EXPECT_EQ(verify_consistency(vector.size1, vector.size2, vector.proof, kRoots[vector.size1 - 1],
                                 kRoots[vector.size2 - 1]),
              std::nullopt);
  }
}

TEST(Merkle, CorruptedInclusionProofsAreRejected) {
  for (const auto& vector : kInclusion) {
    if (vector.size == 1) continue;
    uint64_t index = vector.leaf - 1;
    uint64_t size = vector.size;
    const auto& proof = vector.proof;
    const std::string& root = kRoots[size - 1];
    std::string leaf(as_bytes(leaf_hash(kLeaves[index])));
    struct Probe {
      uint64_t index, size;
      std::string root, leaf;
      std::vector<std::string> proof;
      std::string what;
    };
    std::vector<Probe> probes = {
        {index - 1, size, root, leaf, proof, "index - 1"},
        {index + 1, size, root, leaf, proof, "index + 1"},
        {index ^ 2, size, root, leaf, proof, "index ^ 2"},
        {index, size * 2, root, leaf, proof, "size * 2"},
        {index, size / 2, root, leaf, proof, "size / 2"},
        {index, size, root, "WrongLeaf", proof, "wrong leaf"},
        {index, size, kEmptyTreeHash, leaf, proof, "empty root"},
        {index, size, kSomeHash, leaf, proof, "random root"},
        {index, size, root, leaf, with(proof, "", false), "trailing garbage"},
        {index, size, root, leaf, with(proof, root, false), "trailing root"},
        {index, size, root, leaf, with(proof, "", true), "preceding garbage"},
        {index, size, root, leaf, with(proof, root, true), "preceding root"},
    };
    for (size_t i = 0; i < proof.size(); ++i) {
      auto flipped = proof;
      flipped[i][0] ^= 8;
      probes.push_back({index, size, root, leaf, flipped, "flipped bit in " + std::to_string(i)});
    }
    if (!proof.empty()) {
      probes.push_back({index, size, root, leaf, {proof.begin(), proof.end() - 1}, "removed"});
    }
    if (proof.size() > 1) {
      auto inserted = proof;
      inserted.insert(inserted.begin() + 1, kSomeHash);
      probes.push_back({index, size, root, leaf, inserted, "inserted component"});
    }
    for (const auto& probe : probes) {
      EXPECT_NE(verify_inclusion(probe.index, probe.size, probe.leaf, probe.proof, probe.root),
                std::nullopt)
          << probe.what << " (leaf " << vector.leaf << ", size " << size << ")";
    }
  }
}

TEST(Merkle, CorruptedConsistencyProofsAreRejected) {
  for (const auto& vector : kConsistency) {
    if (vector.proof.empty()) continue;
    uint64_t size1 = vector.size1, size2 = vector.size2;
    const std::string& root1 = kRoots[size1 - 1];
    const std::string& root2 = kRoots[size2 - 1];
    const auto& proof = vector.proof;
    struct Probe {
      uint64_t size1, size2;
      std::string root1, root2;
      std::vector<std::string> proof;
      std::string what;
    };
    std::vector<Probe> probes = {
        {size1 - 1, size2, root1, root2, proof, "size1 - 1"},
        {size1 + 1, size2, root1, root2, proof, "size1 + 1"},
        {size1 ^ 2, size2, root1, root2, proof, "size1 ^ 2"},
        {size1, size2 * 2, root1, root2, proof, "size2 * 2"},
        {size1, size2 / 2, root1, root2, proof, "size2 / 2"},
        {size1, size2, "WrongRoot", root2, proof, "wrong root1"},
        {size1, size2, root1, "WrongRoot", proof, "wrong root2"},
        {size1, size2, root2, root1, proof, "swapped roots"},
        {size1, size2, root1, root2, {}, "empty proof"},
        {size1, size2, root1, root2, with(proof, "", false), "trailing garbage"},
        {size1, size2, root1, root2, with(proof, root1, false), "trailing root1"},
        {size1, size2, root1, root2, with(proof, root2, false), "trailing root2"},
        {size1, size2, root1, root2, with(proof, "", true), "preceding garbage"},
        {size1, size2, root1, root2, with(proof, root1, true), "preceding root1"},
        {size1, size2, root1, root2, with(proof, root2, true), "preceding root2"},
        {size1, size2, root1, root2, with(proof, proof[0], true), "preceding proof[0]"},
        {size1, size2, root1, root2, {proof.begin(), proof.end() - 1}, "truncated proof"},
    };
    for (size_t i = 0; i < proof.size(); ++i) {
      auto flipped = proof;
      flipped[i][0] ^= 16;
      probes.push_back(
          {size1, size2, root1, root2, flipped, "flipped bit in " + std::to_string(i)});
    }
    for (const auto& probe : probes) {
      EXPECT_NE(verify_consistency(probe.size1, probe.size2, probe.proof, probe.root1, probe.root2),
                std::nullopt)
          << probe.what << " (" << size1 << " -> " << size2 << ")";
    }
  }
}

TEST(Merkle, ConsistencyEdgeCasesFollowTheReference) {
  std::string root1 = "don't care 1", root2 = "don't care 2";
  std::vector<std::string> none;
  std::vector<std::string> one = {kEmptyTreeHash};
  EXPECT_NE(verify_consistency(0, 0, none, root1, root2), std::nullopt);
  EXPECT_NE(verify_consistency(1, 1, none, root1, root2), std::nullopt);
  EXPECT_EQ(verify_consistency(0, 0, none, root1, root1), std::nullopt);
  EXPECT_EQ(verify_consistency(0, 1, none, root1, root2), std::nullopt);
  EXPECT_EQ(verify_consistency(1, 1, none, root2, root2), std::nullopt);
  EXPECT_NE(verify_consistency(1, 0, none, root1, root2), std::nullopt);
  EXPECT_NE(verify_consistency(2, 1, none, root1, root2), std::nullopt);
  EXPECT_NE(verify_consistency(1, 2, none, root1, root2), std::nullopt);
  EXPECT_NE(verify_consistency(0, 0, one, kEmptyTreeHash, kEmptyTreeHash), std::nullopt);
  EXPECT_NE(verify_consistency(0, 1, one, kEmptyTreeHash, kEmptyTreeHash), std::nullopt);
  EXPECT_NE(verify_consistency(1, 1, one, kEmptyTreeHash, kEmptyTreeHash), std::nullopt);
}

TEST(Merkle, InclusionEdgeCasesFollowTheReference) {
  std::string leaf(as_bytes(leaf_hash("data")));
  EXPECT_EQ(verify_inclusion(0, 1, leaf, {}, leaf), std::nullopt);
  EXPECT_NE(verify_inclusion(0, 1, "", {}, leaf), std::nullopt);
  EXPECT_NE(verify_inclusion(0, 1, leaf, {}, ""), std::nullopt);
  for (auto [index, size] : {std::pair<uint64_t, uint64_t>{0, 0}, {0, 1}, {1, 0}, {2, 1}}) {
    EXPECT_NE(verify_inclusion(index, size, kSomeHash, {}, ""), std::nullopt);
    EXPECT_NE(verify_inclusion(index, size, "", {}, kEmptyTreeHash), std::nullopt);
    EXPECT_NE(verify_inclusion(index, size, kSomeHash, {}, kEmptyTreeHash), std::nullopt);
  }
}

// Every proof the builder makes for every pair of sizes up to 70 verifies: the builder and the
// verifier agree beyond the 8 vectors (odd sizes, powers of two, deep right edges).
TEST(Merkle, BuiltProofsVerifyForAllSmallTrees) {
  MemoryTree tree;
  std::vector<std::string> roots;
  for (int i = 0; i < 70; ++i) {
    tree.append(leaf_hash("leaf " + std::to_string(i)));
    roots.emplace_back(as_bytes(tree.root()));
  }
  for (uint64_t size = 1; size <= 70; ++size) {
    for (uint64_t index = 0; index < size; ++index) {
      auto proof = as_strings(inclusion_proof(tree.source(), index, size));
      ASSERT_EQ(verify_inclusion(index, size, std::string(as_bytes(tree.subtree(0, index))), proof,
                                 roots[size - 1]),
                std::nullopt)
          << index << " in " << size;
    }
    for (uint64_t old_size = 1; old_size <= size; ++old_size) {
      auto proof = as_strings(consistency_proof(tree.source(), old_size, size));
      ASSERT_EQ(verify_consistency(old_size, size, proof, roots[old_size - 1], roots[size - 1]),
                std::nullopt)
          << old_size << " -> " << size;
    }
  }
}

}  // namespace
}  // namespace gate::attest::merkle
