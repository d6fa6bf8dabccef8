// Fuzz target: the approvals JSON given with --approvals.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gate/engine/evidence_loader.hpp"
#include "gate/types/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    gate::Evidence evidence = gate::parse_approvals(text, "approvals.json");
    for (const auto& approval : evidence.approvals) {
      if (approval.reviewer.empty()) __builtin_trap();
    }
  } catch (const gate::InputError& e) {
    if (e.file() != "approvals.json" || e.line() == 0) __builtin_trap();
  }
  return 0;
}
