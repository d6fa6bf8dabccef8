#pragma once

// Helpers shared by the secrets tests: deterministic random tokens (so no real-looking secret is
// committed to the source) and a one-call scan of text with a given scanner.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/code/secrets/fragment.hpp"
#include "rules/code/secrets/scanner.hpp"

namespace gate::secrets::test {

inline constexpr std::string_view kAlnum =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
inline constexpr std::string_view kUrlSafe =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
inline constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr std::string_view kHex = "0123456789abcdef";
inline constexpr std::string_view kHexMixed = "0123456789abcdefABCDEF";
inline constexpr std::string_view kUpperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
inline constexpr std::string_view kLowerDigits = "abcdefghijklmnopqrstuvwxyz0123456789";
inline constexpr std::string_view kLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
inline constexpr std::string_view kDigits = "0123456789";
inline constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
inline constexpr std::string_view kBech32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";

// `length` characters of `alphabet`, a deterministic function of the arguments and a counter.
inline std::string token(size_t length, std::string_view alphabet) {
  static uint64_t state = 0x9E3779B97F4A7C15ull;
  std::string out;
  for (size_t i = 0; i < length; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    out += alphabet[(state >> 33) % alphabet.size()];
  }
  return out;
}

inline Fragment lines_of(std::string_view text) {
  Fragment fragment;
  uint32_t number = 1;
  size_t start = 0;
  while (true) {
    size_t newline = text.find('\n', start);
    fragment.add_line(number++,
                      text.substr(start, newline == std::string_view::npos ? std::string_view::npos
                                                                           : newline - start));
    if (newline == std::string_view::npos) break;
    start = newline + 1;
  }
  return fragment;
}

inline std::vector<SecretMatch> scan_text(const Scanner& scanner, std::string_view text,
                                          const ScanOptions& options = {},
                                          std::string_view path = "src/app.txt") {
  Scanner::Session session(scanner);
  std::vector<SecretMatch> matches;
  session.scan(path, lines_of(text), options, matches);
  return matches;
}

const Scanner& builtin();  // compiled once for the whole test binary

}  // namespace gate::secrets::test
