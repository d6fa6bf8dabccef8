#include "rules/data/utf8.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace gate::data {
namespace {

// Decodes code point by code point: the definition valid_utf8 must agree with.
bool decodes(const std::string& bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    auto c = static_cast<unsigned char>(bytes[i]);
    size_t length;
    uint32_t code;
    uint32_t min;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      length = 2, code = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3, code = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4, code = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (bytes.size() - i < length) return false;
    for (size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(bytes[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

TEST(Utf8, AgreesWithDecodingOnEveryShortSequenceAtEveryAlignment) {
  // Every 1-3 byte sequence and every 4-byte one with a lead of F0-F7, placed after ASCII
  // runs of several lengths so both the vector and the scalar paths see it.
  const std::string pads[] = {"", "abc", std::string(15, 'x'), std::string(17, 'y')};
  auto check = [&](const std::string& sequence) {
    for (const std::string& pad : pads) {
      std::string text = pad + sequence + pad;
      ASSERT_EQ(valid_utf8(text), decodes(text)) << "at " << pad.size();
    }
  };
  for (int a = 0; a < 256; ++a) {
    check(std::string(1, static_cast<char>(a)));
    for (int b = 0; b < 256; ++b) {
      check({static_cast<char>(a), static_cast<char>(b)});
    }
  }
  for (int a = 0xE0; a < 0xF0; ++a) {
    for (int b = 0; b < 256; ++b) {
      for (int c : {0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xFF}) {
        check({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
      }
    }
  }
  for (int a = 0xF0; a < 0xF8; ++a) {
    for (int b = 0; b < 256; ++b) {
      for (int c : {0x41, 0x80, 0xBF, 0xC0}) {
        for (int d : {0x41, 0x80, 0xBF, 0xC0}) {
          check({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c),
                 static_cast<char>(d)});
        }
      }
    }
  }
}

TEST(Utf8, LongMixedTextAndCodePoints) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "Z\xc3\xbcrich na\xc3\xafve \xe2\x82\xac \xf0\x9f\x98\x80 ";
  EXPECT_TRUE(valid_utf8(text));
  EXPECT_EQ(code_points("Z\xc3\xbcrich \xf0\x9f\x98\x80"), 8u);
  EXPECT_FALSE(valid_utf8(text + "\xe2\x82"));  // cut at the end
  text[200] = '\xff';
  EXPECT_FALSE(valid_utf8(text));
}

}  // namespace
}  // namespace gate::data
