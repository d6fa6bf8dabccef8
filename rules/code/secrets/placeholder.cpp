#include "rules/code/secrets/placeholder.hpp"

#include "gate/types/text.hpp"

namespace gate::secrets {

namespace {

// A run of one filler character (`ghp_xxxxxxxx…`, `sk_test_0000…`, `hvs.XXXX…`) is a
// placeholder; any other character repeated this long is too (`AGE-SECRET-KEY-1QQQQ…`), but a
// shorter run of a digit or letter occurs in real tokens and in test vectors that look real.
constexpr size_t kFillerRun = 8;
constexpr size_t kAnyRun = 16;
constexpr std::string_view kFillers = "xX0*#.-_=";

}  // namespace

bool looks_like_placeholder(std::string_view secret) {
  if (secret.find("EXAMPLE") != std::string_view::npos) return true;
  // The alphabet typed out (`sk_abcdefghijklmnopqrstuvwxyz123`, `AIzaSyabcdefghij...`).
  if (ascii_lower(secret).find("abcdefghijklmn") != std::string::npos) return true;
  size_t run = 1;
  for (size_t i = 1; i < secret.size(); ++i) {
    run = secret[i] == secret[i - 1] ? run + 1 : 1;
    if (run >= kAnyRun) return true;
    if (run >= kFillerRun && kFillers.find(secret[i]) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace gate::secrets
