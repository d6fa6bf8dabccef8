#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/log_backend.hpp"
#include "attest/oidc.hpp"

// Who may append to the log: CI OIDC ID tokens (GitHub Actions, GitLab CI) verified offline
// against each trusted issuer's JWKS and matched against allow rules, or static per-project
// tokens kept only as SHA-256 hashes.
namespace gate::server {

// The verified submitter, stored beside the entry it appended.
// What is stored with the entry (kind, issuer, subject, repository, workflow ref, ref, run id,
// actor), and what the identity may do.
struct Identity : attest::SubmitterIdentity {
  // Repositories whose decisions this identity may append (globs for static tokens).
  std::vector<std::string> may_append_for;
};

// A pattern where '*' matches any run of characters, '/' included, and '?' one character.
bool pattern_matches(const std::string& pattern, const std::string& value);

struct AllowRule {
  std::string repository = "*";  // `repository` (GitHub) or `project_path` (GitLab)
  std::string workflow = "*";    // `job_workflow_ref` (GitHub) or `ci_config_ref_uri` (GitLab)
  std::string ref = "*";         // `ref`
};

struct OidcIssuer {
  attest::oidc::TokenPolicy policy;
  std::string jwks_path;
  attest::oidc::Jwks jwks;
  std::vector<AllowRule> allow;  // none: no repository may append
};

struct StaticToken {
  std::string name;
  std::string sha256_hex;                 // of the token bytes
  std::vector<std::string> repositories;  // patterns
};

// Refusal with the HTTP status it maps to: 401 (no or bad credential), 403 (not allowed).
struct AuthFailure {
  int status = 401;
  std::string code;
  std::string message;
};

class Authenticator {
 public:
  Authenticator() = default;
  Authenticator(std::vector<OidcIssuer> issuers, std::vector<StaticToken> tokens)
      : issuers_(std::move(issuers)), tokens_(std::move(tokens)) {}

  bool open() const { return issuers_.empty() && tokens_.empty(); }
  // `authorization` is the header value ("Bearer <token>"). With no issuer and no token
  // configured every request is let in as "anonymous" (local trials only; the server warns).
  // Throws AuthFailure.
  Identity authenticate(std::string_view authorization, int64_t now) const;
  // Throws AuthFailure (403) unless `identity` may append a decision about `repository`.
  static void authorize(const Identity& identity, const std::string& repository);

 private:
  Identity from_oidc(std::string_view token, int64_t now) const;
  std::vector<OidcIssuer> issuers_;
  std::vector<StaticToken> tokens_;
};

}  // namespace gate::server
