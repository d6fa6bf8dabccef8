#include "server/read_access.hpp"

#include <openssl/crypto.h>

#include "attest/bytes.hpp"

namespace gate::server {

namespace {

constexpr const char* kHowToRead =
    "send 'Authorization: Bearer <read token>' (or the token as the password of HTTP Basic)";

bool starts_with_scheme(std::string_view header, std::string_view scheme) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return false;
  for (size_t i = 0; i < scheme.size(); ++i) {
    char c = header[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i]) return false;
  }
  return true;
}

// The rest of the header after the scheme and its spaces.
std::string_view credentials_after(std::string_view header, size_t scheme_length) {
  std::string_view rest = header.substr(scheme_length);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  return rest;
}

}  // namespace

std::optional<std::string> presented_secret(std::string_view authorization, std::string& problem) {
  if (authorization.empty()) {
    problem = std::string("no credential: ") + kHowToRead;
    return std::nullopt;
  }
  if (authorization.size() > kMaxAuthorizationBytes) {
    problem =
        "the Authorization header is over " + std::to_string(kMaxAuthorizationBytes) + " bytes";
    return std::nullopt;
  }
  if (starts_with_scheme(authorization, "bearer")) {
    std::string_view token = credentials_after(authorization, 6);
    bool visible = !token.empty();
    for (char c : token) visible = visible && c > 0x20 && c < 0x7f;
    if (!visible) {
      problem = "the Bearer credential is empty or has a space or control byte";
      return std::nullopt;
    }
    return std::string(token);
  }
  if (starts_with_scheme(authorization, "basic")) {
    auto decoded = attest::base64_decode(credentials_after(authorization, 5));
    if (!decoded) {
      problem = "the Basic credential is not base64 (RFC 7617: base64 of user:password)";
      return std::nullopt;
    }
    size_t colon = decoded->find(':');
    if (colon == std::string::npos) {
      problem = "the Basic credential has no ':' between user and password";
      return std::nullopt;
    }
    std::string password = decoded->substr(colon + 1);
    if (password.empty()) {
      problem = "the Basic credential has an empty password: give the read token as password";
      return std::nullopt;
    }
    return password;
  }
  problem = std::string("the Authorization scheme is neither Bearer nor Basic: ") + kHowToRead;
  return std::nullopt;
}

bool ReadAccess::is_read_token(std::string_view secret) const {
  std::string hashed = attest::to_hex(attest::sha256(secret));
  // Every token is compared, in constant time each: the answer's timing tells nothing of which
  // token, or how much of one, matched.
  int matched = 0;
  for (const auto& token : tokens_) {
    matched |=
        static_cast<int>(token.sha256_hex.size() == hashed.size() &&
                         CRYPTO_memcmp(token.sha256_hex.data(), hashed.data(), hashed.size()) == 0);
  }
  return matched != 0;
}

std::optional<AuthFailure> ReadAccess::refusal(std::string_view authorization, int64_t now) const {
  if (open()) return std::nullopt;
  std::string problem;
  auto secret = presented_secret(authorization, problem);
  if (!secret) {
    return AuthFailure{401, authorization.empty() ? "missing_token" : "bad_token", problem};
  }
  if (is_read_token(*secret)) return std::nullopt;
  if (!writers_.open()) {
    try {
      writers_.authenticate("Bearer " + *secret, now);
      return std::nullopt;
    } catch (const AuthFailure& failure) {
      // An ID token that fails on its own terms says why; an opaque token is simply unknown.
      if (secret->find('.') != std::string::npos) {
        return AuthFailure{401, "bad_token", "the ID token may not read: " + failure.message};
      }
    }
  }
  return AuthFailure{401, "bad_token",
                     "the token is neither a read token nor a token that may append to this log"};
}

}  // namespace gate::server
