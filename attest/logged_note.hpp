#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/keys.hpp"

// What `refs/notes/gate` (or an attestation file) carries: the DSSE envelope alone, or the
// envelope with its audit log inclusion proof and the signed checkpoint the proof leads to.
//   {"envelope": "<the envelope's exact JSON bytes>", "logIndex": N,
//    "inclusionProof": ["<base64 hash>", ...], "checkpoint": "<signed note>"}
namespace gate::attest {

struct LogInclusion {
  uint64_t index = 0;
  std::vector<std::string> proof;  // 32-byte hashes
  std::string checkpoint;          // signed note
};

struct LoggedNote {
  std::string envelope;
  std::optional<LogInclusion> inclusion;  // absent: a bare envelope
};

class LogStore;

// The inclusion of entry `index` in the log at `size` entries: its proof and the checkpoint the
// log stored for that size. Throws std::runtime_error when the log holds no such checkpoint.
LogInclusion inclusion_in(LogStore& log, uint64_t index, uint64_t size);

std::string make_logged_note(const std::string& envelope, const LogInclusion& inclusion);

// Throws InputError naming `origin` when the text is neither form.
LoggedNote parse_logged_note(std::string_view text, const std::string& origin);

// nullopt when the inclusion proof leads the envelope into its checkpoint and the checkpoint is
// signed by `log_key`; else why not.
std::optional<std::string> check_inclusion(const LoggedNote& note, const PublicKey& log_key);

}  // namespace gate::attest
