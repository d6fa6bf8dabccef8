#include "gate/cli/log_verdict.hpp"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "gate/types/errors.hpp"

namespace gate::cli {

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, 0, "cannot read the file", "check the path");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void add_witness_options(CLI::App& command, WitnessFlags& flags) {
  command
      .add_option("--witness", flags.witnesses,
                  "A witness to ask for a cosignature of the latest checkpoint, as URL=PUBKEY "
                  "(its Ed25519 public key); repeatable")
      ->type_name("URL=PUB");
  command.add_option_function<size_t>(
      "--min-witnesses",
      [&flags](const size_t& n) {
        flags.min_witnesses = n;
        flags.min_given = true;
      },
      "How many witnesses must cosign (default: every --witness)");
}

WitnessPolicy witness_policy(const WitnessFlags& flags) {
  WitnessPolicy policy;
  for (const auto& flag : flags.witnesses)
    policy.witnesses.push_back(attest::parse_witness_flag(flag));
  policy.min_witnesses = flags.min_given ? flags.min_witnesses : policy.witnesses.size();
  if (policy.min_witnesses > policy.witnesses.size()) {
    throw InputError("--min-witnesses " + std::to_string(policy.min_witnesses) + " but only " +
                         std::to_string(policy.witnesses.size()) + " --witness given",
                     "name at least as many witnesses as you require");
  }
  return policy;
}

void report_log_verdict(const attest::LogVerifyResult& result) {
  for (const auto& note : result.notes) std::cerr << "gate: note: " << note << "\n";
  if (result.ok) {
    std::cout << "log OK: " << result.entries << " entries"
              << (result.entries ? ", root " + result.root_hex : std::string());
    if (result.cosigned > 0) std::cout << ", cosigned by " << result.cosigned << " witnesses";
    std::cout << "\n";
  } else if (result.unconfirmed) {
    std::cout << "log UNCONFIRMED: " << result.problem << "\n";
  } else if (result.first_broken) {
    std::cout << "log BROKEN at entry " << *result.first_broken << ": " << result.problem << "\n";
  } else {
    std::cout << "log BROKEN: " << result.problem << "\n";
  }
}

}  // namespace gate::cli
