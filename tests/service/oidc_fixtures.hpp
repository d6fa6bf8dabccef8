#pragma once

// Issuers made by the tests: real RSA and EC keys, their JWKS, and ID tokens signed with them.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "attest/oidc.hpp"

namespace gate::server::test {

class TestIssuer {
 public:
  // alg: "RS256" or "ES256".
  TestIssuer(std::string alg, std::string kid, std::string issuer = "https://token.example")
      : alg_(std::move(alg)), kid_(std::move(kid)), issuer_(std::move(issuer)) {
    EVP_PKEY* key = alg_ == "RS256" ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
    if (!key) throw std::runtime_error("key generation failed");
    key_.reset(key, EVP_PKEY_free);
  }

  const std::string& issuer() const { return issuer_; }
  const std::string& kid() const { return kid_; }

  nlohmann::json jwk() const {
    if (alg_ == "RS256") {
      return {{"kty", "RSA"},
              {"kid", kid_},
              {"alg", "RS256"},
              {"use", "sig"},
              {"n", bn_param(OSSL_PKEY_PARAM_RSA_N, 0)},
              {"e", bn_param(OSSL_PKEY_PARAM_RSA_E, 0)}};
    }
    return {{"kty", "EC"},
            {"kid", kid_},
            {"crv", "P-256"},
            {"x", bn_param(OSSL_PKEY_PARAM_EC_PUB_X, 32)},
            {"y", bn_param(OSSL_PKEY_PARAM_EC_PUB_Y, 32)}};
  }
  std::string jwks() const { return nlohmann::json{{"keys", {jwk()}}}.dump(); }

  // Claims of a GitHub Actions token for `repository`, valid for five minutes from `now`.
  nlohmann::json github_claims(const std::string& repository, int64_t now,
                               const std::string& audience = "gate") const {
    return {{"iss", issuer_},
            {"aud", audience},
            {"sub", "repo:" + repository + ":ref:refs/heads/main"},
            {"repository", repository},
            {"job_workflow_ref", repository + "/.github/workflows/gate.yml@refs/heads/main"},
            {"ref", "refs/heads/main"},
            {"run_id", "4242"},
            {"actor", "octocat"},
            {"iat", now},
            {"nbf", now},
            {"exp", now + 300}};
  }

  std::string sign(const nlohmann::json& claims, nlohmann::json header = {}) const {
    if (header.is_null()) header = {{"alg", alg_}, {"kid", kid_}, {"typ", "JWT"}};
    std::string input = attest::oidc::base64url_encode(header.dump()) + "." +
                        attest::oidc::base64url_encode(claims.dump());
    return input + "." + attest::oidc::base64url_encode(signature(input));
  }

 private:
  std::string bn_param(const char* name, int pad) const {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(key_.get(), name, &bn) != 1) throw std::runtime_error(name);
    std::string bytes(static_cast<size_t>(pad ? pad : BN_num_bytes(bn)), '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(bytes.data()),
                 static_cast<int>(bytes.size()));
    BN_free(bn);
    return attest::oidc::base64url_encode(bytes);
  }

  std::string signature(const std::string& input) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    size_t length = 0;
    EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get());
    EVP_DigestSign(ctx.get(), nullptr, &length,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    std::string sig(length, '\0');
    EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &length,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    sig.resize(length);
    if (alg_ == "RS256") return sig;
    // DER to the JWS form R || S.
    const unsigned char* der = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* parsed = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(sig.size()));
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(parsed), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(parsed), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(parsed);
    return raw;
  }

  std::string alg_;
  std::string kid_;
  std::string issuer_;
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace gate::server::test
