#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/bytes.hpp"

// RFC 9162 (RFC 6962) Merkle tree hashing and proofs, as small pure functions.
namespace gate::attest::merkle {

Hash leaf_hash(std::string_view data);                // SHA-256(0x00 || data)
Hash node_hash(const Hash& left, const Hash& right);  // SHA-256(0x01 || left || right)
Hash empty_root();                                    // SHA-256("")

// The hash of the complete subtree of 2^level leaves starting at leaf index << level.
using SubtreeSource = std::function<Hash(int level, uint64_t index)>;

// MTH(D[begin:end]) for a range the RFC's recursion visits (begin aligned to the largest power of
// two below the range size): O(log n) complete subtrees.
Hash range_hash(const SubtreeSource& source, uint64_t begin, uint64_t end);
Hash root(const SubtreeSource& source, uint64_t size);
// PATH(index, D[size]) and PROOF(old_size, D[new_size]) of RFC 9162 section 2.1.
std::vector<Hash> inclusion_proof(const SubtreeSource& source, uint64_t index, uint64_t size);
std::vector<Hash> consistency_proof(const SubtreeSource& source, uint64_t old_size,
                                    uint64_t new_size);

// Verifiers of RFC 9162 sections 2.1.3.2 and 2.1.4.2. They take byte strings, so hashes of the
// wrong length are rejected rather than assumed. nullopt when valid, else the reason.
std::optional<std::string> verify_inclusion(uint64_t index, uint64_t size, std::string_view leaf,
                                            const std::vector<std::string>& proof,
                                            std::string_view root);
std::optional<std::string> verify_consistency(uint64_t old_size, uint64_t new_size,
                                              const std::vector<std::string>& proof,
                                              std::string_view old_root, std::string_view new_root);

// An in-memory tree that keeps every complete subtree (used by verification and tests).
class MemoryTree {
 public:
  void append(const Hash& leaf);
  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  const Hash& subtree(int level, uint64_t index) const { return levels_[level][index]; }
  // The complete subtrees stored at `level` so far.
  const std::vector<Hash>& level(int level) const { return levels_[level]; }
  int height() const { return static_cast<int>(levels_.size()); }
  SubtreeSource source() const;
  Hash root(uint64_t size) const;
  Hash root() const { return root(size()); }

 private:
  std::vector<std::vector<Hash>> levels_;
};

}  // namespace gate::attest::merkle
