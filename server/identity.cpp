#include "server/identity.hpp"

#include <fnmatch.h>
#include <openssl/crypto.h>

#include "attest/bytes.hpp"

namespace gate::server {

namespace {

std::string claim(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return {};
}

// The first claim present among GitHub's and GitLab's names for the same thing.
std::string either(const nlohmann::json& claims, const char* github, const char* gitlab) {
  std::string value = claim(claims, github);
  return value.empty() ? claim(claims, gitlab) : value;
}

bool rule_allows(const AllowRule& rule, const Identity& identity) {
  return pattern_matches(rule.repository, identity.repository) &&
         pattern_matches(rule.workflow, identity.workflow_ref) &&
         pattern_matches(rule.ref, identity.ref);
}

}  // namespace

bool pattern_matches(const std::string& pattern, const std::string& value) {
  return fnmatch(pattern.c_str(), value.c_str(), 0) == 0;
}

Identity Authenticator::from_oidc(std::string_view token, int64_t now) const {
  // The issuer picks the key set; nothing else from the unverified payload is used.
  std::string issuer;
  try {
    issuer = claim(attest::oidc::parse_jwt(token).claims, "iss");
  } catch (const attest::oidc::TokenError& e) {
    throw AuthFailure{401, "bad_token", e.what()};
  }
  const OidcIssuer* trusted = nullptr;
  for (const auto& candidate : issuers_) {
    if (candidate.policy.issuer == issuer) trusted = &candidate;
  }
  if (!trusted) {
    throw AuthFailure{401, "untrusted_issuer",
                      "the token's issuer '" + issuer + "' is not trusted"};
  }
  nlohmann::json claims;
  try {
    claims = attest::oidc::verify_token(token, trusted->jwks, trusted->policy, now);
  } catch (const attest::oidc::TokenError& e) {
    throw AuthFailure{401, "bad_token", e.what()};
  }
  Identity identity;
  identity.kind = "oidc";
  identity.issuer = issuer;
  identity.subject = claim(claims, "sub");
  identity.repository = either(claims, "repository", "project_path");
  identity.workflow_ref = either(claims, "job_workflow_ref", "ci_config_ref_uri");
  identity.ref = claim(claims, "ref");
  identity.run_id = either(claims, "run_id", "pipeline_id");
  identity.actor = either(claims, "actor", "user_login");
  if (identity.repository.empty()) {
    throw AuthFailure{403, "not_allowed", "the token names no repository or project_path"};
  }
  bool allowed = false;
  for (const auto& rule : trusted->allow) allowed = allowed || rule_allows(rule, identity);
  if (!allowed) {
    throw AuthFailure{403, "not_allowed",
                      "no allow rule of issuer '" + issuer + "' admits repository '" +
                          identity.repository + "' with workflow '" + identity.workflow_ref +
                          "' on ref '" + identity.ref + "'"};
  }
  identity.may_append_for = {identity.repository};
  return identity;
}

Identity Authenticator::authenticate(std::string_view authorization, int64_t now) const {
  if (open()) return Identity{{"anonymous", "", "anonymous", "", "", "", "", ""}, {"*"}};
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.substr(0, kBearer.size()) != kBearer ||
      authorization.size() == kBearer.size()) {
    throw AuthFailure{401, "missing_token",
                      "send 'Authorization: Bearer <CI OIDC ID token or project token>'"};
  }
  std::string_view token = authorization.substr(kBearer.size());
  // A JWS has exactly two dots; project tokens are opaque and have none.
  if (token.find('.') != std::string_view::npos) return from_oidc(token, now);
  std::string hashed = attest::to_hex(attest::sha256(token));
  for (const auto& candidate : tokens_) {
    if (candidate.sha256_hex.size() == hashed.size() &&
        CRYPTO_memcmp(candidate.sha256_hex.data(), hashed.data(), hashed.size()) == 0) {
      Identity identity;
      identity.kind = "token";
      identity.subject = candidate.name;
      identity.may_append_for = candidate.repositories;
      return identity;
    }
  }
  throw AuthFailure{401, "bad_token", "the project token is not known to this log"};
}

void Authenticator::authorize(const Identity& identity, const std::string& repository) {
  for (const auto& pattern : identity.may_append_for) {
    // An OIDC identity appends for its own repository only; a project token for its patterns.
    if (identity.kind == "oidc" ? pattern == repository : pattern_matches(pattern, repository)) {
      return;
    }
  }
  throw AuthFailure{
      403, "not_allowed",
      "identity '" + identity.subject + "' may not append decisions about '" + repository + "'"};
}

}  // namespace gate::server
