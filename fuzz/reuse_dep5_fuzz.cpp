// Fuzz target: .reuse/dep5 parsing and matching (bytes from the head revision of a repository).
#include <cstddef>
#include <cstdint>
#include <string>

#include "gate/types/errors.hpp"
#include "rules/code/reuse_annotations.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto annotations = gate::rules::parse_dep5(text, ".reuse/dep5");
    for (const auto& annotation : annotations) {
      if (annotation.license.empty() || !annotation.paths) __builtin_trap();
      for (const char* path : {"README.md", "src/a/b.c", "gen/x.py", "my dir/#f"}) {
        (void)annotation.matches(path);
      }
    }
  } catch (const gate::InputError&) {
    // A malformed line is reported, never a crash.
  }
  return 0;
}
