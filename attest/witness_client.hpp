#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "attest/bytes.hpp"
#include "attest/keys.hpp"

// The client side of C2SP tlog-witness: submits a log's checkpoint with a consistency proof from
// whatever the witness cosigned last, and checks the cosignature it returns.
namespace gate::attest {

inline constexpr int kWitnessTimeoutSeconds = 20;

struct WitnessEndpoint {
  std::string url;  // http://host:port[/prefix]; add-checkpoint is POSTed below it
  PublicKey key;    // the witness's Ed25519 key, trusted by the verifier
  int timeout_seconds = kWitnessTimeoutSeconds;  // each read and write (connecting: at most 5)
  std::string label() const { return url + " (key " + key.key_id().substr(0, 16) + ")"; }
};

struct CosignOutcome {
  enum class Kind {
    cosigned,     // a valid cosignature by the trusted key is in `signature_line`
    conflict,     // the witness holds a view this log contradicts: rollback, fork or re-key
    unavailable,  // no answer, or an answer that proves nothing (fails closed)
  };
  Kind kind = Kind::unavailable;
  std::string message;
  std::string signature_line;
  uint64_t timestamp = 0;
};

// PROOF(old_size, D[new_size]) of the log being verified; nullopt when the caller holds no log
// to prove it from (a note checked on its own).
using ConsistencyProver =
    std::function<std::optional<std::vector<Hash>>(uint64_t old_size, uint64_t new_size)>;

// `known_size`: the size this caller last saw the witness cosign. Asking from it spares the
// round trip a first `old 0` costs; when the witness holds another size, it answers 409 with it
// and the request follows.
CosignOutcome request_cosignature(const WitnessEndpoint& witness, const std::string& checkpoint,
                                  const ConsistencyProver& prove, uint64_t known_size = 0);

// Parses "URL=PUBKEY.pem" (the --witness flag); throws InputError when it is not one.
WitnessEndpoint parse_witness_flag(const std::string& flag);

}  // namespace gate::attest
