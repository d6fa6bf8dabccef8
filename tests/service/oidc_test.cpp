// ID tokens verified offline: real RSA and EC keys made here, their JWKS, tokens signed with
// them, and every way a token or key set can be wrong.
#include <gtest/gtest.h>

#include "attest/oidc.hpp"
#include "gate/types/errors.hpp"
#include "tests/service/oidc_fixtures.hpp"

namespace gate::attest::oidc {
namespace {

using server::test::TestIssuer;

constexpr int64_t kNow = 1772359200;

const TestIssuer& rsa_issuer() {
  static const TestIssuer issuer("RS256", "rsa-1");
  return issuer;
}
const TestIssuer& ec_issuer() {
  static const TestIssuer issuer("ES256", "ec-1");
  return issuer;
}

TokenPolicy policy_for(const TestIssuer& issuer) { return {issuer.issuer(), "gate", 60}; }

std::string refusal(const std::string& token, const TestIssuer& issuer, int64_t now = kNow) {
  try {
    verify_token(token, Jwks::parse(issuer.jwks(), "jwks.json"), policy_for(issuer), now);
  } catch (const TokenError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(Base64Url, RoundTripsEveryLengthAndRefusesNonCanonicalText) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes);
    bytes += static_cast<char>(i * 37);
  }
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_FALSE(base64url_decode("-_8=").has_value());  // padding
  EXPECT_FALSE(base64url_decode("-_9").has_value());   // low bits set
  EXPECT_FALSE(base64url_decode("a+b/").has_value());  // standard alphabet
  EXPECT_FALSE(base64url_decode("abcde").has_value());
}

TEST(OidcToken, Rs256AndEs256TokensVerifyAndReturnTheirClaims) {
  for (const TestIssuer* issuer : {&rsa_issuer(), &ec_issuer()}) {
    std::string token = issuer->sign(issuer->github_claims("acme/app", kNow));
    auto claims = verify_token(token, Jwks::parse(issuer->jwks(), "jwks.json"), policy_for(*issuer),
                               kNow + 10);
    EXPECT_EQ(claims["repository"], "acme/app");
    EXPECT_EQ(claims["run_id"], "4242");
  }
}

TEST(OidcToken, AudienceMayBeAListThatContainsOurs) {
  auto claims = rsa_issuer().github_claims("acme/app", kNow);
  claims["aud"] = {"other", "gate"};
  EXPECT_EQ(refusal(rsa_issuer().sign(claims), rsa_issuer()), "accepted");
}

TEST(OidcToken, ExpiredTokensAreRefusedPastTheLeeway) {
  std::string token = rsa_issuer().sign(rsa_issuer().github_claims("acme/app", kNow));
  EXPECT_EQ(refusal(token, rsa_issuer(), kNow + 300 + 59), "accepted");
  EXPECT_EQ(refusal(token, rsa_issuer(), kNow + 300 + 61), "the token has expired");
}

TEST(OidcToken, NotYetValidTokensAreRefused) {
  std::string token = rsa_issuer().sign(rsa_issuer().github_claims("acme/app", kNow));
  EXPECT_EQ(refusal(token, rsa_issuer(), kNow - 120), "the token is not valid yet ('nbf')");
}

TEST(OidcToken, AnotherAudienceOrIssuerIsRefused) {
  auto claims = rsa_issuer().github_claims("acme/app", kNow, "sigstore");
  EXPECT_EQ(refusal(rsa_issuer().sign(claims), rsa_issuer()), "the token is for another audience");
  claims = rsa_issuer().github_claims("acme/app", kNow);
  claims["iss"] = "https://evil.example";
  EXPECT_EQ(refusal(rsa_issuer().sign(claims), rsa_issuer()),
            "the token's issuer 'https://evil.example' is not trusted");
  claims.erase("aud");
  claims["iss"] = rsa_issuer().issuer();
  EXPECT_EQ(refusal(rsa_issuer().sign(claims), rsa_issuer()), "the token is for another audience");
}

TEST(OidcToken, TamperedPayloadFailsTheSignature) {
  std::string token = rsa_issuer().sign(rsa_issuer().github_claims("acme/app", kNow));
  auto claims = rsa_issuer().github_claims("acme/other", kNow);
  size_t first = token.find('.');
  size_t second = token.find('.', first + 1);
  std::string forged =
      token.substr(0, first + 1) + base64url_encode(claims.dump()) + token.substr(second);
  EXPECT_EQ(refusal(forged, rsa_issuer()), "the token's signature does not verify");
}

TEST(OidcToken, SignedByAnotherKeyWithTheSameKidFails) {
  TestIssuer impostor("RS256", "rsa-1", rsa_issuer().issuer());
  std::string token = impostor.sign(impostor.github_claims("acme/app", kNow));
  EXPECT_EQ(refusal(token, rsa_issuer()), "the token's signature does not verify");
}

TEST(OidcToken, AlgNoneHmacAndAlgorithmSwitchesAreRefused) {
  auto claims = rsa_issuer().github_claims("acme/app", kNow);
  std::string none = base64url_encode(R"({"alg":"none","kid":"rsa-1"})") + "." +
                     base64url_encode(claims.dump()) + ".";
  EXPECT_EQ(refusal(none, rsa_issuer()), "the token's algorithm 'none' is not RS256 or ES256");
  std::string hs = rsa_issuer().sign(claims, {{"alg", "HS256"}, {"kid", "rsa-1"}});
  EXPECT_EQ(refusal(hs, rsa_issuer()), "the token's algorithm 'HS256' is not RS256 or ES256");
  std::string switched = rsa_issuer().sign(claims, {{"alg", "ES256"}, {"kid", "rsa-1"}});
  EXPECT_EQ(refusal(switched, rsa_issuer()),
            "the token's algorithm ES256 does not fit its key (RS256)");
}

TEST(OidcToken, UnknownKidIsRefused) {
  auto claims = rsa_issuer().github_claims("acme/app", kNow);
  std::string token = rsa_issuer().sign(claims, {{"alg", "RS256"}, {"kid", "rotated-away"}});
  EXPECT_EQ(refusal(token, rsa_issuer()),
            "the token's key id 'rotated-away' is not in the issuer's JWKS");
}

TEST(OidcToken, MalformedTokensAreRefusedWithoutEchoingThem) {
  for (std::string token : {"", "abc", "a.b", "a.b.c.d", "!!.??.**", "e30.e30.", "W10.e30.AA"}) {
    std::string why = refusal(token, rsa_issuer());
    EXPECT_NE(why, "accepted") << token;
  }
  std::string no_exp = rsa_issuer().sign({{"iss", rsa_issuer().issuer()}, {"aud", "gate"}});
  EXPECT_EQ(refusal(no_exp, rsa_issuer()), "the token has no expiry ('exp')");
  auto claims = rsa_issuer().github_claims("acme/app", kNow);
  claims["exp"] = "tomorrow";
  EXPECT_EQ(refusal(rsa_issuer().sign(claims), rsa_issuer()), "the token's 'exp' is not a number");
}

TEST(Jwks, HostileKeySetsAreInputErrorsNamingTheFile) {
  auto refused = [](const std::string& json) {
    try {
      Jwks::parse(json, "github-jwks.json");
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), "github-jwks.json");
      return e.message();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refused("not json"), "not a JSON Web Key Set (no \"keys\" array)");
  EXPECT_EQ(refused(R"({"keys": {}})"), "not a JSON Web Key Set (no \"keys\" array)");
  EXPECT_EQ(refused(R"({"keys": []})"), "the key set holds no RS256 or ES256 signing key");
  EXPECT_EQ(refused(R"({"keys": [{"kty": "oct", "k": "AAAA"}]})"),
            "the key set holds no RS256 or ES256 signing key");
  EXPECT_EQ(refused(R"({"keys": [{"kty": "RSA", "kid": "k", "n": "AQAB", "e": "AQAB"}]})"),
            "key 'k' is an RSA key shorter than 2048 bits");
  auto jwk = ec_issuer().jwk();
  jwk["y"] = jwk["x"];  // (x, x) is not on the curve
  EXPECT_EQ(refused(nlohmann::json{{"keys", {jwk}}}.dump()),
            "key 'ec-1' is an EC key whose point is not on P-256");
  jwk = ec_issuer().jwk();
  jwk["crv"] = "P-384";
  EXPECT_EQ(refused(nlohmann::json{{"keys", {jwk}}}.dump()),
            "key 'ec-1' is an EC key on a curve other than P-256");
}

TEST(Jwks, EncryptionKeysAreSkippedAndTheRestKept) {
  auto enc = rsa_issuer().jwk();
  enc["use"] = "enc";
  enc["kid"] = "enc-1";
  Jwks jwks = Jwks::parse(nlohmann::json{{"keys", {enc, ec_issuer().jwk()}}}.dump(), "jwks.json");
  ASSERT_EQ(jwks.keys().size(), 1u);
  EXPECT_EQ(jwks.keys()[0].kid, "ec-1");
  EXPECT_EQ(jwks.find("enc-1"), nullptr);
}

}  // namespace
}  // namespace gate::attest::oidc
