#include "rules/data/utf8.hpp"

#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace gate::data {

namespace {

bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

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
    // The well-formed sequences of the Unicode standard (table 3-7): the ranges of the second
    // byte rule out overlongs, surrogates and code points above U+10FFFF.
    unsigned char lead = *p;
    size_t length;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (static_cast<size_t>(end - p) < length || p[1] < low || p[1] > high) return false;
    for (size_t i = 2; i < length; ++i) {
      if (!continuation(p[i])) return false;
    }
    p += length;
  }
}

size_t code_points(std::string_view bytes) {
  size_t count = 0;
  for (unsigned char c : bytes) count += (c & 0xC0) != 0x80;
  return count;
}

}  // namespace gate::data
