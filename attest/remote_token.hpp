#pragma once

#include <optional>
#include <string>

// The credential `gate check` presents to `gate log serve` (Authorization: Bearer ...), taken
// from the CI environment.
namespace gate::attest {

struct LogCredential {
  std::string token;
  std::string source;  // which variable or endpoint it came from, for messages
};

// GATE_LOG_TOKEN (a project token, or any token); else, under GitHub Actions with
// `id-token: write`, an OIDC ID token requested from $ACTIONS_ID_TOKEN_REQUEST_URL with
// `audience=$GATE_LOG_AUDIENCE` (default `gate`) and $ACTIONS_ID_TOKEN_REQUEST_TOKEN; else
// GATE_ID_TOKEN (a GitLab `id_tokens:` entry). nullopt when none is set. Throws InputError naming
// the endpoint when the GitHub token request fails.
std::optional<LogCredential> log_credential_from_environment();

}  // namespace gate::attest
