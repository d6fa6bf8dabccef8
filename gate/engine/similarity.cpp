#include "gate/engine/similarity.hpp"

#include <algorithm>
#include <cstring>

namespace gate {

namespace {

// A prime between 2^16 and 2^17: the number of distinct span hashes.
constexpr uint32_t kHashBase = 107927;
// git decides "binary" by a NUL in the first 8000 bytes.
constexpr size_t kBinaryProbe = 8000;

uint32_t hash_of(uint64_t span) { return static_cast<uint32_t>(span >> 32); }
uint32_t bytes_of(uint64_t span) { return static_cast<uint32_t>(span); }

}  // namespace

SpanSignature span_signature(std::string_view content) {
  const auto* data = reinterpret_cast<const unsigned char*>(content.data());
  size_t size = content.size();
  bool text = !std::memchr(data, 0, std::min(size, kBinaryProbe));
  std::vector<uint64_t> raw;
  raw.reserve(size / 24 + 1);
  uint32_t accum1 = 0;
  uint32_t accum2 = 0;
  uint32_t bytes = 0;
  for (size_t i = 0; i < size; ++i) {
    uint32_t c = data[i];
    if (text && c == '\r' && i + 1 < size && data[i + 1] == '\n') continue;
    uint32_t old1 = accum1;
    accum1 = (accum1 << 7) ^ (accum2 >> 25);
    accum2 = (accum2 << 7) ^ (old1 >> 25);
    accum1 += c;
    if (++bytes < 64 && c != '\n') continue;
    uint32_t hash = (accum1 + accum2 * 0x61u) % kHashBase;
    raw.push_back((uint64_t{hash} << 32) | bytes);
    bytes = 0;
    accum1 = accum2 = 0;
  }
  std::sort(raw.begin(), raw.end());
  SpanSignature signature;
  signature.spans.reserve(raw.size());
  for (uint64_t span : raw) {
    if (!signature.spans.empty() && hash_of(signature.spans.back()) == hash_of(span)) {
      signature.spans.back() += bytes_of(span);
    } else {
      signature.spans.push_back(span);
    }
  }
  return signature;
}

uint64_t shared_bytes(const SpanSignature& source, const SpanSignature& destination) {
  const uint64_t* s = source.spans.data();
  const uint64_t* s_end = s + source.spans.size();
  const uint64_t* d = destination.spans.data();
  const uint64_t* d_end = d + destination.spans.size();
  uint64_t shared = 0;
  while (s != s_end && d != d_end) {
    uint32_t s_hash = hash_of(*s);
    uint32_t d_hash = hash_of(*d);
    if (s_hash < d_hash) {
      ++s;
    } else if (d_hash < s_hash) {
      ++d;
    } else {
      shared += std::min(bytes_of(*s), bytes_of(*d));
      ++s;
      ++d;
    }
  }
  return shared;
}

}  // namespace gate
