#include "rules/data/key_set.hpp"

#include <functional>

namespace gate::data {

uint64_t hash_bytes(std::string_view bytes) { return std::hash<std::string_view>{}(bytes); }

uint64_t hash_combine(uint64_t seed, uint64_t value) {
  seed ^= value + 0x9E3779B97F4A7C15ULL + (seed << 12) + (seed >> 4);
  return seed * 0xBF58476D1CE4E5B9ULL;
}

namespace {
size_t slot_of(uint64_t hash, size_t mask) { return (hash ^ (hash >> 29)) & mask; }
}  // namespace

void KeySet::grow() {
  std::vector<std::pair<uint64_t, uint64_t>> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, {0, 0});
  size_t mask = slots_.size() - 1;
  for (const auto& slot : old) {
    if (slot.first == 0) continue;
    size_t i = slot_of(slot.first, mask);
    while (slots_[i].first != 0) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

uint64_t KeySet::insert(uint64_t hash, uint64_t row) {
  if (hash == 0) hash = 1;
  if (!slots_.empty()) {
    size_t mask = slots_.size() - 1;
    for (size_t i = slot_of(hash, mask); slots_[i].first != 0; i = (i + 1) & mask) {
      if (slots_[i].first == hash) return slots_[i].second;
    }
  }
  // A new key. Once full, keys already held are still found; new ones are no longer kept.
  if (count_ >= max_keys_) {
    full_ = true;
    return 0;
  }
  if ((count_ + 1) * 2 > slots_.size()) grow();
  size_t mask = slots_.size() - 1;
  size_t i = slot_of(hash, mask);
  while (slots_[i].first != 0) i = (i + 1) & mask;
  slots_[i] = {hash, row};
  ++count_;
  return 0;
}

}  // namespace gate::data
