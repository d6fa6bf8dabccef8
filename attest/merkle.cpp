#include "attest/merkle.hpp"

#include <bit>
#include <stdexcept>

namespace gate::attest::merkle {

Hash leaf_hash(std::string_view data) { return sha256_concat({std::string_view("\0", 1), data}); }

Hash node_hash(const Hash& left, const Hash& right) {
  return sha256_concat({std::string_view("\x01", 1), as_bytes(left), as_bytes(right)});
}

Hash empty_root() { return sha256(""); }

namespace {
// The largest power of two strictly smaller than n (n >= 2).
uint64_t split_point(uint64_t n) { return std::bit_floor(n - 1); }

void path(const SubtreeSource& source, uint64_t index, uint64_t begin, uint64_t end,
          std::vector<Hash>& out) {
  uint64_t n = end - begin;
  if (n <= 1) return;
  uint64_t k = split_point(n);
  if (index < k) {
    path(source, index, begin, begin + k, out);
    out.push_back(range_hash(source, begin + k, end));
  } else {
    path(source, index - k, begin + k, end, out);
    out.push_back(range_hash(source, begin, begin + k));
  }
}

void subproof(const SubtreeSource& source, uint64_t m, uint64_t begin, uint64_t end,
              bool whole_is_old, std::vector<Hash>& out) {
  uint64_t n = end - begin;
  if (m == n) {
    if (!whole_is_old) out.push_back(range_hash(source, begin, end));
    return;
  }
  uint64_t k = split_point(n);
  if (m <= k) {
    subproof(source, m, begin, begin + k, whole_is_old, out);
    out.push_back(range_hash(source, begin + k, end));
  } else {
    subproof(source, m - k, begin + k, end, false, out);
    out.push_back(range_hash(source, begin, begin + k));
  }
}

Hash to_hash(std::string_view bytes) { return hash_from_bytes(bytes); }
}  // namespace

Hash range_hash(const SubtreeSource& source, uint64_t begin, uint64_t end) {
  uint64_t n = end - begin;
  if (n == 0) return empty_root();
  if (std::has_single_bit(n) && begin % n == 0) {
    return source(std::countr_zero(n), begin / n);
  }
  uint64_t k = split_point(n);
  return node_hash(range_hash(source, begin, begin + k), range_hash(source, begin + k, end));
}

Hash root(const SubtreeSource& source, uint64_t size) { return range_hash(source, 0, size); }

std::vector<Hash> inclusion_proof(const SubtreeSource& source, uint64_t index, uint64_t size) {
  if (index >= size) throw std::out_of_range("leaf index beyond the tree size");
  std::vector<Hash> out;
  path(source, index, 0, size, out);
  return out;
}

std::vector<Hash> consistency_proof(const SubtreeSource& source, uint64_t old_size,
                                    uint64_t new_size) {
  if (old_size > new_size) throw std::out_of_range("old size beyond the new size");
  std::vector<Hash> out;
  if (old_size == 0 || old_size == new_size) return out;
  subproof(source, old_size, 0, new_size, true, out);
  return out;
}

std::optional<std::string> verify_inclusion(uint64_t index, uint64_t size, std::string_view leaf,
                                            const std::vector<std::string>& proof,
                                            std::string_view root) {
  if (index >= size)
    return "leaf index " + std::to_string(index) + " is beyond tree size " + std::to_string(size);
  if (leaf.size() != 32) return "leaf hash is not 32 bytes";
  if (root.size() != 32) return "root hash is not 32 bytes";
  for (const auto& element : proof) {
    if (element.size() != 32) return "a proof element is not 32 bytes";
  }
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = to_hash(leaf);
  for (const auto& element : proof) {
    if (sn == 0) return "proof is longer than the tree is high";
    Hash p = to_hash(element);
    if ((fn & 1) || fn == sn) {
      r = node_hash(p, r);
      if (!(fn & 1)) {
        while (!(fn & 1) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return "proof is shorter than the tree is high";
  if (as_bytes(r) != root) return "proof does not lead to the root";
  return std::nullopt;
}

std::optional<std::string> verify_consistency(uint64_t old_size, uint64_t new_size,
                                              const std::vector<std::string>& proof,
                                              std::string_view old_root,
                                              std::string_view new_root) {
  if (old_size > new_size) return "old size is larger than the new size";
  if (old_size == new_size) {
    if (!proof.empty()) return "equal sizes need an empty proof";
    if (old_root != new_root) return "equal sizes but different roots";
    return std::nullopt;
  }
  if (old_size == 0) {
    if (!proof.empty()) return "an empty tree needs an empty proof";
    return std::nullopt;
  }
  if (proof.empty()) return "proof is empty";
  if (old_root.size() != 32 || new_root.size() != 32) return "root hash is not 32 bytes";
  for (const auto& element : proof) {
    if (element.size() != 32) return "a proof element is not 32 bytes";
  }
  std::vector<Hash> c;
  c.reserve(proof.size() + 1);
  if (std::has_single_bit(old_size)) c.push_back(to_hash(old_root));
  for (const auto& element : proof) c.push_back(to_hash(element));
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = c[0];
  Hash sr = c[0];
  for (size_t i = 1; i < c.size(); ++i) {
    if (sn == 0) return "proof is longer than needed";
    if ((fn & 1) || fn == sn) {
      fr = node_hash(c[i], fr);
      sr = node_hash(c[i], sr);
      if (!(fn & 1)) {
        while (!(fn & 1) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = node_hash(sr, c[i]);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return "proof is shorter than needed";
  if (as_bytes(fr) != old_root) return "proof does not lead to the old root";
  if (as_bytes(sr) != new_root) return "proof does not lead to the new root";
  return std::nullopt;
}

void MemoryTree::append(const Hash& leaf) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf);
  // A new complete subtree closes at each level where the count became even.
  for (size_t level = 0; levels_[level].size() % 2 == 0; ++level) {
    if (levels_.size() == level + 1) levels_.emplace_back();
    const auto& below = levels_[level];
    levels_[level + 1].push_back(node_hash(below[below.size() - 2], below.back()));
  }
}

SubtreeSource MemoryTree::source() const {
  return [this](int level, uint64_t index) { return levels_.at(level).at(index); };
}

Hash MemoryTree::root(uint64_t size) const {
  if (size > this->size()) throw std::out_of_range("size beyond the tree");
  return merkle::root(source(), size);
}

}  // namespace gate::attest::merkle
