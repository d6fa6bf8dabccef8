// A witness's answer (note signature lines, C2SP tlog-cosignature) comes over the network from a
// server the verifier does not control: parsing and checking must reject any bytes cleanly.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "attest/checkpoint.hpp"
#include "attest/cosignature.hpp"
#include "attest/keys.hpp"
#include "gate/types/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const gate::attest::PrivateKey witness =
      gate::attest::PrivateKey::generate(gate::attest::KeyType::ed25519);
  std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    auto lines = gate::attest::parse_signature_lines(body, "fuzz");
    gate::attest::SignedCheckpoint checkpoint;
    checkpoint.text = "example.com/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
    // Random bytes never verify under a key generated here.
    if (gate::attest::cosigned_by(checkpoint, lines, witness.public_key())) __builtin_trap();
  } catch (const gate::InputError&) {
  }
  return 0;
}
