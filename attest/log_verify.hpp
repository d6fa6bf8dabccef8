#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <functional>
#include "attest/keys.hpp"
#include "attest/log_store.hpp"
#include "attest/statement.hpp"
#include "attest/witness_client.hpp"

namespace gate::attest {

struct LogVerifyOptions {
  // Keys that may sign envelopes; empty: signatures are not checked (and the report says so).
  std::vector<PublicKey> trusted;
  // The log's checkpoint key; when absent the key recorded in the log itself is used, which only
  // proves internal consistency (an attacker who rebuilt the file could have replaced it).
  std::optional<PublicKey> log_key;
  // A signed checkpoint kept elsewhere; the log must still extend it.
  std::optional<std::string> old_checkpoint;
  std::string old_checkpoint_name = "checkpoint";
  // Witnesses asked to cosign the latest checkpoint (each after a consistency proof from what it
  // cosigned before); at least `min_witnesses` of them must.
  std::vector<WitnessEndpoint> witnesses;
  size_t min_witnesses = 0;
  // Workers that parse and check envelopes (0: one per core).
  unsigned threads = 0;
  // Called with every entry whose envelope parsed, in log order, from the same snapshot the
  // verification reads; meaningful only when the result is ok.
  std::function<void(const LogEntry&, const Envelope&, const DecisionSummary&)> visit;
};

struct LogVerifyResult {
  bool ok = false;
  uint64_t entries = 0;
  std::optional<uint64_t> first_broken;  // sequence of the first entry found broken, if known
  std::string problem;                   // what is wrong, in plain words
  // The log holds together but too few witnesses confirmed it (unreachable, unknown): not a
  // proof of tampering, and not a pass either.
  bool unconfirmed = false;
  std::string latest_checkpoint;  // the verified checkpoint, with the cosignatures got
  size_t cosigned = 0;
  std::vector<std::string> notes;  // what was and was not checked
  std::string root_hex;
};

// In one read snapshot: recomputes every leaf from the stored envelopes, checks each envelope's
// signature against the trusted keys and every index column and side table row (entry_rules)
// against its statement, every stored subtree hash and every stored checkpoint's root, the
// latest checkpoint's signature, consistency with an older checkpoint when given, and then asks
// the witnesses to cosign the latest checkpoint.
LogVerifyResult verify_log(LogStore& store, const LogVerifyOptions& options);

}  // namespace gate::attest
