// The body of a tlog-witness add-checkpoint request comes from anyone who can reach the
// witness: parsing must reject any bytes cleanly (InputError), never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "attest/bytes.hpp"
#include "attest/cosignature.hpp"
#include "gate/types/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    auto request = gate::attest::parse_add_checkpoint(body, "fuzz");
    if (request.proof.size() > gate::attest::kMaxConsistencyProofLines) __builtin_trap();
    std::vector<gate::attest::Hash> proof;
    for (const auto& hash : request.proof) proof.push_back(gate::attest::hash_from_bytes(hash));
    // A parsed request formats back to the same bytes.
    if (gate::attest::format_add_checkpoint(request.old_size, proof, request.checkpoint) != body) {
      __builtin_trap();
    }
  } catch (const gate::InputError&) {
  }
  return 0;
}
