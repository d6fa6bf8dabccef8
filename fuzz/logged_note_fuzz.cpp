// Notes under refs/notes/gate travel with the repository, where anyone with push access can
// write them: parsing must reject any bytes cleanly (InputError), never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "attest/logged_note.hpp"
#include "gate/types/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto note = gate::attest::parse_logged_note(text, "fuzz");
    if (note.inclusion && note.inclusion->proof.size() > 64) __builtin_trap();
  } catch (const gate::InputError&) {
  }
  return 0;
}
