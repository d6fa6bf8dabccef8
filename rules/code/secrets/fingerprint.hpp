#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace gate::secrets {

// Where a run keeps its per-repository state: the repository's git directory (the common one
// for a linked worktree), found from the checked-out workspace.
std::optional<std::filesystem::path> git_dir_of(const std::filesystem::path& workdir);

// The key of the secrets fingerprint, and where it came from (for the log).
//  1. GATE_SECRETS_FINGERPRINT_KEY, at least 16 bytes: set it as a CI secret (masked variable)
//     so fingerprints are the same on every runner and every clone;
//  2. else `<git dir>/gate/secrets-fingerprint.key`: 32 random bytes created on first use with
//     mode 0600, the same for every run in that clone;
//  3. else (no repository) a random key for this process only: fingerprints then differ
//     between runs, which a warning says.
// Throws InputError when the variable is set but too short, or the key file is unusable.
struct FingerprintKey {
  std::string bytes;
  std::string source;
};
const FingerprintKey& fingerprint_key(const std::optional<std::filesystem::path>& workdir);

// The fingerprint basis of a secret: hex HMAC-SHA256(key, format id, NUL, secret). Without the
// key (which no report, attestation or log entry contains) a guessed secret cannot be checked
// against it, and it depends on neither line nor column, so it survives unrelated edits.
std::string secret_fingerprint_basis(const FingerprintKey& key, std::string_view format_id,
                                     std::string_view secret);

// The folder for compiled pattern databases: $XDG_CACHE_HOME/gate/secrets, else
// `<git dir>/gate/cache/secrets`, else $HOME/.cache/gate/secrets; nullopt when none applies.
std::optional<std::filesystem::path> pattern_cache_dir(
    const std::optional<std::filesystem::path>& workdir);

}  // namespace gate::secrets
