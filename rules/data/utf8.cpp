#include "rules/data/utf8.hpp"

#include <bit>
#include <cstdint>
#include <cstring>

#include "gate/types/utf8.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace gate::data {

namespace {

// The first non-ASCII byte in [p, end), or `end`; sixteen bytes at a time with SSE2. `begin`
// (at or before p) lets the last, partial chunk be read as the 16 bytes ending at `end`.
const unsigned char* skip_ascii(const unsigned char* begin, const unsigned char* p,
                                const unsigned char* end) {
#if defined(__SSE2__)
  while (end - p >= 16) {
    __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    if (unsigned high = static_cast<unsigned>(_mm_movemask_epi8(chunk))) {
      return p + std::countr_zero(high);
    }
    p += 16;
  }
  if (p < end && end - begin >= 16) {
    __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(end - 16));
    unsigned high = static_cast<unsigned>(_mm_movemask_epi8(chunk)) >> (p - (end - 16));
    return high != 0 ? p + std::countr_zero(high) : end;
  }
#endif
  while (end - p >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    if (word & 0x8080808080808080ULL) break;
    p += 8;
  }
  while (p < end && *p < 0x80) ++p;
  return p;
}

}  // namespace

bool valid_utf8(std::string_view bytes) {
  const auto* begin = reinterpret_cast<const unsigned char*>(bytes.data());
  const unsigned char* end = begin + bytes.size();
  const unsigned char* p = begin;
  for (;;) {
    p = skip_ascii(begin, p, end);
    if (p == end) return true;
    size_t length = utf8_sequence_length(
        std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(end - p)), 0);
    if (length == 0) return false;
    p += length;
  }
}

size_t code_points(std::string_view bytes) {
  size_t count = 0;
  for (unsigned char c : bytes) count += (c & 0xC0) != 0x80;
  return count;
}

}  // namespace gate::data
