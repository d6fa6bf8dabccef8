#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "attest/log_verify.hpp"
#include "attest/witness_client.hpp"

namespace CLI {
class App;
}

namespace gate::cli {

// --witness URL=PUB (repeatable) and --min-witnesses N, shared by `gate log verify` and
// `gate verify`.
struct WitnessFlags {
  std::vector<std::string> witnesses;
  size_t min_witnesses = 0;
  bool min_given = false;
};
void add_witness_options(CLI::App& command, WitnessFlags& flags);

struct WitnessPolicy {
  std::vector<attest::WitnessEndpoint> witnesses;
  size_t min_witnesses = 0;
};
// Loads the witness keys; throws InputError (exit 2) for a bad flag or an impossible minimum.
WitnessPolicy witness_policy(const WitnessFlags& flags);

// The whole file (a checkpoint, an attestation); throws InputError naming it when unreadable.
std::string read_text_file(const std::string& path);

// Prints "log OK", "log BROKEN [at entry N]" or "log UNCONFIRMED" on stdout, notes on stderr.
void report_log_verdict(const attest::LogVerifyResult& result);

}  // namespace gate::cli
