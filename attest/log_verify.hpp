#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "attest/keys.hpp"
#include "attest/log_store.hpp"

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
};

struct LogVerifyResult {
  bool ok = false;
  uint64_t entries = 0;
  std::optional<uint64_t> first_broken;  // sequence of the first entry found broken
  std::string problem;                   // what is wrong, in plain words
  std::vector<std::string> notes;        // what was and was not checked
  std::string root_hex;
};

// Recomputes every leaf from the stored envelopes, checks each envelope's signature against the
// trusted keys and its index columns against its statement, every stored subtree hash, the root
// against the latest signed checkpoint and, when given, consistency with an older checkpoint.
LogVerifyResult verify_log(LogStore& store, const LogVerifyOptions& options);

}  // namespace gate::attest
