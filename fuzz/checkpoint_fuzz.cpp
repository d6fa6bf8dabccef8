// Signed checkpoints come from auditors' files (`gate log verify --checkpoint`) and from the log
// file itself: parsing must reject any bytes cleanly (InputError), never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "attest/checkpoint.hpp"
#include "gate/types/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view note(reinterpret_cast<const char*>(data), size);
  try {
    auto parsed = gate::attest::parse_checkpoint(note, "fuzz");
    // A parsed note prints back to the same text.
    if (gate::attest::checkpoint_text(parsed.checkpoint) != parsed.text) __builtin_trap();
  } catch (const gate::InputError&) {
  }
  return 0;
}
