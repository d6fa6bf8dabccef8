// ID tokens arrive from anyone who can reach `gate log serve`, and JWKS files from operators:
// the first line of input is tried as a token against a fixed key set, the whole input as a key
// set. Both must refuse any bytes cleanly (TokenError, InputError), never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "attest/oidc.hpp"
#include "gate/types/errors.hpp"

namespace {

// An EC P-256 key (RFC 7515 appendix A.3), enough for the verifier to reach the signature check.
constexpr const char* kJwks = R"({"keys":[{"kty":"EC","kid":"k","crv":"P-256",)"
                              R"("x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)"
                              R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  static const gate::attest::oidc::Jwks jwks = gate::attest::oidc::Jwks::parse(kJwks, "fixed");
  std::string_view token = input.substr(0, input.find('\n'));
  try {
    gate::attest::oidc::verify_token(token, jwks, {"https://issuer", "gate", 60}, 1772359200);
    __builtin_trap();  // nothing but a real signature by the key above may pass
  } catch (const gate::attest::oidc::TokenError&) {
  }
  if (auto decoded = gate::attest::oidc::base64url_decode(token)) {
    if (gate::attest::oidc::base64url_encode(*decoded) != token) __builtin_trap();
  }
  try {
    gate::attest::oidc::Jwks::parse(input, "fuzz");
  } catch (const gate::InputError&) {
  }
  return 0;
}
