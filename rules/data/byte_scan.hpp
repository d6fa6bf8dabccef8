#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace gate::data {

// Finds the next of a few byte values (a reader's delimiters, quotes and line ends) sixteen bytes
// at a time with SSE2, which every x86-64 CPU has; other targets use a lookup table. Each search
// also reports, in `non_ascii`, whether any byte it looked at had the top bit set, so that a reader
// learns for free when a record is plain ASCII and needs no UTF-8 check.
template <size_t N>
class ByteFinder {
 public:
  explicit ByteFinder(const std::array<char, N>& bytes) {
    for (size_t i = 0; i < N; ++i) {
      table_[static_cast<unsigned char>(bytes[i])] = true;
#if defined(__SSE2__)
      needles_[i] = _mm_set1_epi8(bytes[i]);
#endif
    }
  }

  // Bit i set when p[i] is one of the bytes, for the 16 bytes at p (all readable). Sets bits of
  // `non_ascii` when one of them is not ASCII.
  unsigned mask16(const char* p, unsigned& non_ascii) const {
#if defined(__SSE2__)
    __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i hit = _mm_cmpeq_epi8(chunk, needles_[0]);
    for (size_t i = 1; i < N; ++i) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(chunk, needles_[i]));
    non_ascii |= static_cast<unsigned>(_mm_movemask_epi8(chunk));
    return static_cast<unsigned>(_mm_movemask_epi8(hit));
#else
    unsigned mask = 0;
    for (unsigned i = 0; i < 16; ++i) {
      auto c = static_cast<unsigned char>(p[i]);
      non_ascii |= c & 0x80u;
      mask |= static_cast<unsigned>(table_[c]) << i;
    }
    return mask;
#endif
  }

  // mask16 over the 64 bytes at p, bit i for p[i].
  uint64_t mask64(const char* p, unsigned& non_ascii) const {
    uint64_t mask = 0;
    for (unsigned i = 0; i < 4; ++i) mask |= uint64_t{mask16(p + 16 * i, non_ascii)} << (16 * i);
    return mask;
  }

  // The first position in [p, end) holding one of the bytes, or `end`. Sets bits of `non_ascii`
  // when a byte looked at (possibly past the returned position) is not ASCII.
  const char* find(const char* p, const char* end, unsigned& non_ascii) const {
#if defined(__SSE2__)
    while (end - p >= 16) {
      __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      __m128i hit = _mm_cmpeq_epi8(chunk, needles_[0]);
      for (size_t i = 1; i < N; ++i) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(chunk, needles_[i]));
      non_ascii |= static_cast<unsigned>(_mm_movemask_epi8(chunk));
      if (unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hit))) {
        return p + std::countr_zero(mask);
      }
      p += 16;
    }
#endif
    for (; p < end; ++p) {
      auto c = static_cast<unsigned char>(*p);
      non_ascii |= c & 0x80u;
      if (table_[c]) return p;
    }
    return end;
  }

 private:
  std::array<bool, 256> table_{};
#if defined(__SSE2__)
  __m128i needles_[N] = {};
#endif
};

}  // namespace gate::data
