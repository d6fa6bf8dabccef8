#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace gate::data {

// The distinct keys seen so far by a `unique` or `primaryKey` check, held as 64-bit hashes with
// the row that first held each key (16 bytes a slot, at most half the slots used: about 32 bytes
// a distinct key). Memory grows with the number of distinct keys and stops at `max_keys`: after
// that, new keys are no longer kept (duplicates of kept keys are still found) and full() tells
// the caller to say the check is incomplete. Two
// different keys with the same 64-bit hash would be taken for a duplicate (odds about n^2/2^65).
class KeySet {
 public:
  explicit KeySet(uint64_t max_keys) : max_keys_(max_keys) {}

  // The row that first held the key, or 0 when the key is new (or new and the set is full).
  uint64_t insert(uint64_t hash, uint64_t row);
  bool full() const { return full_; }
  uint64_t size() const { return count_; }

 private:
  void grow();

  std::vector<std::pair<uint64_t, uint64_t>> slots_;  // (hash, first row); hash 0 = empty
  uint64_t count_ = 0;
  uint64_t max_keys_;
  bool full_ = false;
};

uint64_t hash_bytes(std::string_view bytes);
// Order-sensitive combination for composite keys.
uint64_t hash_combine(uint64_t seed, uint64_t value);

}  // namespace gate::data
