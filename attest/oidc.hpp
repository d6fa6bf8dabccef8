#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "attest/keys.hpp"

// OpenID Connect ID tokens as CI providers issue them (GitHub Actions `id-token: write`, GitLab
// `id_tokens:`): compact JWS (RFC 7515) with RS256 or ES256 (RFC 7518), verified offline against
// a JSON Web Key Set (RFC 7517) kept in a file. No network, no `alg: none`, no HMAC.
namespace gate::attest::oidc {

// Why a token was refused. The message never contains the token or its signature.
class TokenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// base64url without padding (RFC 7515 section 2); strict: no padding, no whitespace.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

struct Jwt {
  std::string alg;
  std::string kid;
  nlohmann::json claims;      // the payload, an object
  std::string signing_input;  // ASCII(BASE64URL(header) || '.' || BASE64URL(payload))
  std::string signature;      // raw bytes
};

// Splits and decodes a compact JWS; throws TokenError when it is not one.
Jwt parse_jwt(std::string_view token);

struct Jwk {
  std::string kid;
  std::string alg;  // RS256 or ES256, from the key's type when the JWK does not say
  std::shared_ptr<EVP_PKEY> key;
};

class Jwks {
 public:
  // Parses {"keys": [...]}; RSA keys (2048 bits or more) and EC P-256 keys are kept, keys of
  // other types or with `use` other than "sig" are skipped. Throws InputError naming `origin`
  // when the bytes are not a key set or a supported key is malformed.
  static Jwks parse(std::string_view json, const std::string& origin);
  static Jwks from_file(const std::string& path);

  const std::vector<Jwk>& keys() const { return keys_; }
  const Jwk* find(std::string_view kid) const;

 private:
  std::vector<Jwk> keys_;
};

struct TokenPolicy {
  std::string issuer;    // exact `iss`
  std::string audience;  // must be `aud` or one of its entries
  int64_t leeway = 60;   // seconds of clock skew allowed on exp and nbf
};

// Checks the signature (the kid's key, the header's alg matching the key), then iss, aud, exp
// and nbf against `now` (seconds since the epoch). Returns the claims; throws TokenError.
nlohmann::json verify_token(std::string_view token, const Jwks& jwks, const TokenPolicy& policy,
                            int64_t now);

}  // namespace gate::attest::oidc
