#pragma once

// A `gate log witness` as witness_test.cpp runs one: the witness and its HTTP face in process,
// on 127.0.0.1 with a port the kernel picked.
#include <memory>
#include <string>

#include "attest/keys.hpp"
#include "attest/witness.hpp"
#include "gate/cli/witness_command.hpp"

namespace gate::server::test {

struct RunningWitness {
  RunningWitness(const std::string& witness_name, const std::string& origin,
                 const attest::PublicKey& log_pub, const std::string& state, bool listen = true)
      : name(witness_name),
        key(attest::PrivateKey::generate(attest::KeyType::ed25519)),
        witness(name, key, {{origin, log_pub}}, state) {
    if (listen) serve(0);
  }
  void serve(int at_port) {
    server = std::make_unique<cli::WitnessServer>(witness);
    port = server->start("127.0.0.1", at_port);
    url = "http://127.0.0.1:" + std::to_string(port);
  }
  std::string name;
  attest::PrivateKey key;
  attest::Witness witness;
  std::unique_ptr<cli::WitnessServer> server;
  int port = 0;
  std::string url;
};

}  // namespace gate::server::test
