// Fuzz target: CODEOWNERS parsing and matching (bytes from the base revision of a repository).
#include <cstddef>
#include <cstdint>
#include <string>

#include "gate/types/errors.hpp"
#include "rules/process/codeowners.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    gate::rules::Codeowners file = gate::rules::parse_codeowners(text, "CODEOWNERS");
    for (const char* path : {"README.md", "src/a/b.c", "docs/x.md", "my dir/#f"}) {
      for (const auto& match : gate::rules::match_codeowners(file, path)) {
        if (match.section == nullptr || match.entry == nullptr) __builtin_trap();
      }
    }
  } catch (const gate::InputError&) {
    // A malformed line is reported, never a crash.
  }
  return 0;
}
