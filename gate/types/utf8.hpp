#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gate {

// Length of the well-formed UTF-8 sequence starting at text[at] (1 for ASCII), or 0 when the bytes
// there are not one: the ranges of the Unicode standard's table 3-7, which rule out overlong forms,
// surrogates and code points above U+10FFFF. Inline: validators call it for every non-ASCII
// character.
inline size_t utf8_sequence_length(std::string_view text, size_t at) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  uint8_t lead = byte(at);
  if (lead < 0x80) return 1;
  size_t length = 0;
  uint8_t low = 0x80;
  uint8_t high = 0xBF;
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
    return 0;
  }
  if (text.size() - at < length || byte(at + 1) < low || byte(at + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if ((byte(at + k) & 0xC0) != 0x80) return 0;
  }
  return length;
}

}  // namespace gate
