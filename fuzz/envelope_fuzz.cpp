// DSSE envelopes come from git notes, attestation files and the log: parsing the envelope and
// its statement must reject any bytes cleanly (InputError), never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "attest/dsse.hpp"
#include "attest/statement.hpp"
#include "gate/types/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto envelope = gate::attest::parse_envelope(text, "fuzz");
    gate::attest::verify_envelope(envelope, {});
    gate::attest::summarize_decision(envelope, "fuzz");
  } catch (const gate::InputError&) {
  }
  return 0;
}
