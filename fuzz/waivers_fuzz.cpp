// Fuzz target: the waivers file and the fingerprint ignore list (bytes from a revision).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gate/engine/waivers.hpp"
#include "gate/types/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    for (const auto& waiver : gate::parse_waivers(text, ".gate/waivers.yaml")) {
      if (waiver.reason.empty() || waiver.expires.size() != 10) __builtin_trap();
    }
  } catch (const gate::InputError&) {
  }
  try {
    for (const auto& entry : gate::parse_ignore_list(text, ".gateignore")) {
      if (entry.fingerprint.size() != 64) __builtin_trap();
    }
  } catch (const gate::InputError&) {
  }
  return 0;
}
