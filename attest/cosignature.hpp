#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/bytes.hpp"
#include "attest/checkpoint.hpp"
#include "attest/keys.hpp"

// Witness cosignatures (C2SP tlog-cosignature, cosignature/v1 with Ed25519) and the body of the
// C2SP tlog-witness add-checkpoint request.
namespace gate::attest {

// SHA-256(name || 0x0A || 0x04 || 32-byte Ed25519 public key)[:4].
std::string cosignature_key_hash(std::string_view name, const PublicKey& key);

// "cosignature/v1\ntime <timestamp>\n" followed by the checkpoint's note text.
std::string cosigned_message(std::string_view checkpoint_text, uint64_t timestamp);

// One note signature line "— <name> base64(key hash || u64 timestamp || signature)\n".
std::string cosign_checkpoint(const SignedCheckpoint& checkpoint, const PrivateKey& witness_key,
                              const std::string& witness_name, uint64_t timestamp);

// The timestamp of the first signature on `checkpoint` that is a valid cosignature by
// `witness_key` (under whatever name it carries), or nullopt.
std::optional<uint64_t> cosigned_by(const SignedCheckpoint& checkpoint,
                                    const std::vector<NoteSignature>& signatures,
                                    const PublicKey& witness_key);

struct AddCheckpointRequest {
  uint64_t old_size = 0;
  std::vector<std::string> proof;  // 32-byte hashes
  std::string checkpoint;          // the signed note, as sent
};

inline constexpr size_t kMaxConsistencyProofLines = 63;

// Parses "old <size>\n" + proof lines (base64) + "\n" + checkpoint; throws InputError naming
// `origin` and the line when the body is not one.
AddCheckpointRequest parse_add_checkpoint(std::string_view body, const std::string& origin);
std::string format_add_checkpoint(uint64_t old_size, const std::vector<Hash>& proof,
                                  std::string_view checkpoint);

}  // namespace gate::attest
