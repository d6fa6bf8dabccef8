#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/identity.hpp"

// Who may read the log (GET /v1/*, /ui/*, /metrics): anyone who reaches the port while no read
// token is configured; else whoever presents a read token, or a credential that may append (a
// CI job reads the checkpoint and proofs around its own append). Tokens are kept only as
// SHA-256 hashes and compared in constant time (docs/audit-service.md, "Read access").
namespace gate::server {

struct ReadToken {
  std::string name;
  std::string sha256_hex;  // of the token bytes, lowercase
};

// The secret an Authorization header presents: the token of "Bearer <token>", or the password of
// "Basic base64(user:password)" (how a browser's login prompt sends it; the user name is not
// looked at). Schemes are case-insensitive (RFC 9110 section 11.1). nullopt with `problem` set
// when the header is absent, oversized, of another scheme, not base64 or has no colon.
std::optional<std::string> presented_secret(std::string_view authorization, std::string& problem);

// The longest Authorization header looked at; longer ones are refused unread.
inline constexpr size_t kMaxAuthorizationBytes = 8192;

class ReadAccess {
 public:
  ReadAccess() = default;
  // `writers` grants read to every credential it would let append; it is ignored while it is
  // open (no issuer, no token), since then it would let in anyone.
  ReadAccess(std::vector<ReadToken> tokens, Authenticator writers)
      : tokens_(std::move(tokens)), writers_(std::move(writers)) {}

  // No read token configured: every read is let in.
  bool open() const { return tokens_.empty(); }
  // nullopt when `authorization` may read; else the 401 refusal (`missing_token` or
  // `bad_token`) with what to send.
  std::optional<AuthFailure> refusal(std::string_view authorization, int64_t now) const;

 private:
  bool is_read_token(std::string_view secret) const;
  std::vector<ReadToken> tokens_;
  Authenticator writers_;
};

}  // namespace gate::server
