#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/bytes.hpp"
#include "attest/keys.hpp"

// Checkpoints in the C2SP tlog-checkpoint format, carried as C2SP signed notes:
//   <origin>\n<size>\n<base64 root>\n[extension lines]\n\n— <key name> <base64(key id || sig)>\n
namespace gate::attest {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;
};

struct NoteSignature {
  std::string name;
  std::string key_hash;   // 4 bytes
  std::string signature;  // Ed25519: 64 bytes
};

struct SignedCheckpoint {
  Checkpoint checkpoint;
  std::string text;  // the signed note text (every line up to the blank line, newline included)
  std::vector<NoteSignature> signatures;
};

// Signed-note key id for an Ed25519 key: SHA-256(name || 0x0A || 0x01 || public key)[:4].
std::string note_key_hash(std::string_view name, const PublicKey& key);

// nullopt when `origin` can name a log (C2SP tlog-checkpoint: a schema-less URL-like name, no
// spaces or plus signs); else what is wrong with it.
std::optional<std::string> origin_problem(std::string_view origin);

std::string checkpoint_text(const Checkpoint& checkpoint);
// Signs with an Ed25519 key whose note key name is the checkpoint's origin.
std::string sign_checkpoint(const Checkpoint& checkpoint, const PrivateKey& key);

// Parses a signed checkpoint; throws InputError naming `origin_name` (e.g. a file) when the bytes
// are not one. Does not check signatures.
SignedCheckpoint parse_checkpoint(std::string_view note, const std::string& origin_name);

// Note signature lines ("— <name> <base64(key hash || signature)>\n" each), as a witness
// returns them; throws InputError naming `origin_name` and the line (counted from first_line).
std::vector<NoteSignature> parse_signature_lines(std::string_view text,
                                                 const std::string& origin_name,
                                                 uint32_t first_line = 1);

// True when a signature by `key` under the key name `checkpoint.origin` verifies.
bool checkpoint_signed_by(const SignedCheckpoint& checkpoint, const PublicKey& key);

}  // namespace gate::attest
