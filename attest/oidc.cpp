#include "attest/oidc.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include <array>
#include <fstream>
#include <sstream>

#include "gate/types/errors.hpp"

namespace gate::attest::oidc {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

struct BnDeleter {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using Bn = std::unique_ptr<BIGNUM, BnDeleter>;
struct ParamBldDeleter {
  void operator()(OSSL_PARAM_BLD* bld) const { OSSL_PARAM_BLD_free(bld); }
};
struct ParamsDeleter {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter>;
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct EcdsaSigDeleter {
  void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); }
};

const char* kJwksHint =
    "give the issuer's JSON Web Key Set as a file: {\"keys\": [{\"kty\": \"RSA\", \"kid\": ..., "
    "\"n\": ..., \"e\": ...}]} (GitHub: https://token.actions.githubusercontent.com/.well-known/"
    "jwks; GitLab: https://<host>/oauth/discovery/keys)";

Bn bignum(std::string_view bytes) {
  Bn bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                  static_cast<int>(bytes.size()), nullptr));
  if (!bn) throw std::runtime_error("out of memory building a key");
  return bn;
}

// EVP_PKEY_fromdata for a public key of `type` ("RSA" or "EC") from the filled builder.
std::shared_ptr<EVP_PKEY> key_from_params(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamsDeleter> params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  std::shared_ptr<EVP_PKEY> owned(key, EVP_PKEY_free);
  PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  return owned;
}

std::string member(const nlohmann::json& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::optional<std::string> decoded_member(const nlohmann::json& jwk, const char* name) {
  std::string text = member(jwk, name);
  if (text.empty()) return std::nullopt;
  return base64url_decode(text);
}

std::shared_ptr<EVP_PKEY> rsa_key(const nlohmann::json& jwk, std::string& problem) {
  auto n = decoded_member(jwk, "n");
  auto e = decoded_member(jwk, "e");
  if (!n || !e || e->empty() || e->size() > 8) {
    problem = "an RSA key needs base64url 'n' and 'e'";
    return nullptr;
  }
  size_t leading = n->find_first_not_of('\0');
  size_t bits = leading == std::string::npos ? 0 : (n->size() - leading) * 8;
  if (bits < 2048 || bits > 8192) {
    problem =
        bits < 2048 ? "an RSA key shorter than 2048 bits" : "an RSA key longer than 8192 bits";
    return nullptr;
  }
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
  Bn modulus = bignum(*n);
  Bn exponent = bignum(*e);
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1) {
    throw std::runtime_error("out of memory building a key");
  }
  auto key = key_from_params("RSA", bld.get());
  if (!key) problem = "an RSA key OpenSSL refuses";
  return key;
}

std::shared_ptr<EVP_PKEY> ec_key(const nlohmann::json& jwk, std::string& problem) {
  if (member(jwk, "crv") != "P-256") {
    problem = "an EC key on a curve other than P-256";
    return nullptr;
  }
  auto x = decoded_member(jwk, "x");
  auto y = decoded_member(jwk, "y");
  if (!x || !y || x->size() != 32 || y->size() != 32) {
    problem = "an EC P-256 key needs 32-byte base64url 'x' and 'y'";
    return nullptr;
  }
  std::string point = "\x04" + *x + *y;
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    throw std::runtime_error("out of memory building a key");
  }
  auto key = key_from_params("EC", bld.get());
  if (!key) problem = "an EC key whose point is not on P-256";
  return key;
}

// JWS ES256 carries R || S (32 bytes each); OpenSSL verifies DER.
std::optional<std::string> es256_to_der(std::string_view raw) {
  if (raw.size() != 64) return std::nullopt;
  std::unique_ptr<ECDSA_SIG, EcdsaSigDeleter> sig(ECDSA_SIG_new());
  Bn r = bignum(raw.substr(0, 32));
  Bn s = bignum(raw.substr(32));
  if (!sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
  r.release();  // owned by sig now
  s.release();
  unsigned char* der = nullptr;
  int length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

bool verify_sha256(EVP_PKEY* key, std::string_view message, std::string_view signature) {
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  ERR_clear_error();
  return ok;
}

std::optional<int64_t> numeric_date(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number_float()) return static_cast<int64_t>(it->get<double>());
  throw TokenError(std::string("the token's '") + name + "' is not a number");
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3F];
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    size_t value = kAlphabet.find(c);
    if (value == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  // Canonical form only: the unused low bits of the last character are zero.
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

Jwt parse_jwt(std::string_view token) {
  size_t first = token.find('.');
  size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    throw TokenError("the token is not a compact JWS (header.payload.signature)");
  }
  auto header_bytes = base64url_decode(token.substr(0, first));
  auto payload_bytes = base64url_decode(token.substr(first + 1, second - first - 1));
  auto signature = base64url_decode(token.substr(second + 1));
  if (!header_bytes || !payload_bytes || !signature) {
    throw TokenError("the token has a part that is not base64url");
  }
  nlohmann::json header = nlohmann::json::parse(*header_bytes, nullptr, false);
  nlohmann::json claims = nlohmann::json::parse(*payload_bytes, nullptr, false);
  if (!header.is_object() || !claims.is_object()) {
    throw TokenError("the token's header or payload is not a JSON object");
  }
  Jwt jwt;
  jwt.alg = member(header, "alg");
  jwt.kid = member(header, "kid");
  if (header.contains("crit")) throw TokenError("the token has critical header extensions");
  jwt.claims = std::move(claims);
  jwt.signing_input = std::string(token.substr(0, second));
  jwt.signature = std::move(*signature);
  return jwt;
}

Jwks Jwks::parse(std::string_view json, const std::string& origin) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, false);
  if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    throw InputError(origin, 0, 0, "not a JSON Web Key Set (no \"keys\" array)", kJwksHint);
  }
  Jwks jwks;
  for (const auto& jwk : doc["keys"]) {
    if (!jwk.is_object()) throw InputError(origin, 0, 0, "a key that is not an object", kJwksHint);
    std::string use = member(jwk, "use");
    if (!use.empty() && use != "sig") continue;
    std::string kty = member(jwk, "kty");
    std::string alg = member(jwk, "alg");
    std::string problem;
    std::shared_ptr<EVP_PKEY> key;
    if (kty == "RSA" && (alg.empty() || alg == "RS256")) {
      key = rsa_key(jwk, problem);
      alg = "RS256";
    } else if (kty == "EC" && (alg.empty() || alg == "ES256")) {
      key = ec_key(jwk, problem);
      alg = "ES256";
    } else {
      continue;  // a key this verifier never accepts tokens from
    }
    std::string kid = member(jwk, "kid");
    if (!key) {
      throw InputError(origin, 0, 0, "key '" + kid + "' is " + problem, kJwksHint);
    }
    jwks.keys_.push_back({kid, alg, std::move(key)});
  }
  if (jwks.keys_.empty()) {
    throw InputError(origin, 0, 0, "the key set holds no RS256 or ES256 signing key", kJwksHint);
  }
  return jwks;
}

Jwks Jwks::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, 0, "cannot read the JWKS file", kJwksHint);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse(buffer.str(), path);
}

const Jwk* Jwks::find(std::string_view kid) const {
  for (const auto& key : keys_) {
    if (key.kid == kid) return &key;
  }
  // A set of one key may be used by tokens that carry no kid.
  if (kid.empty() && keys_.size() == 1) return &keys_.front();
  return nullptr;
}

nlohmann::json verify_token(std::string_view token, const Jwks& jwks, const TokenPolicy& policy,
                            int64_t now) {
  Jwt jwt = parse_jwt(token);
  if (jwt.alg != "RS256" && jwt.alg != "ES256") {
    throw TokenError("the token's algorithm '" + jwt.alg + "' is not RS256 or ES256");
  }
  const Jwk* key = jwks.find(jwt.kid);
  if (!key) throw TokenError("the token's key id '" + jwt.kid + "' is not in the issuer's JWKS");
  if (key->alg != jwt.alg) {
    throw TokenError("the token's algorithm " + jwt.alg + " does not fit its key (" + key->alg +
                     ")");
  }
  std::string signature = jwt.signature;
  if (jwt.alg == "ES256") {
    auto der = es256_to_der(jwt.signature);
    if (!der) throw TokenError("the token's ES256 signature is not 64 bytes");
    signature = std::move(*der);
  }
  if (!verify_sha256(key->key.get(), jwt.signing_input, signature)) {
    throw TokenError("the token's signature does not verify");
  }
  const nlohmann::json& claims = jwt.claims;
  if (member(claims, "iss") != policy.issuer) {
    throw TokenError("the token's issuer '" + member(claims, "iss") + "' is not trusted");
  }
  bool audience_ok = false;
  if (auto aud = claims.find("aud"); aud != claims.end()) {
    if (aud->is_string()) audience_ok = *aud == policy.audience;
    if (aud->is_array()) {
      for (const auto& entry : *aud) audience_ok = audience_ok || entry == policy.audience;
    }
  }
  if (!audience_ok) throw TokenError("the token is for another audience");
  auto exp = numeric_date(claims, "exp");
  if (!exp) throw TokenError("the token has no expiry ('exp')");
  if (now > *exp + policy.leeway) throw TokenError("the token has expired");
  if (auto nbf = numeric_date(claims, "nbf"); nbf && now + policy.leeway < *nbf) {
    throw TokenError("the token is not valid yet ('nbf')");
  }
  return claims;
}

}  // namespace gate::attest::oidc
