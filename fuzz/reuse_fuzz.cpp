// Fuzz target: REUSE annotations, the same bytes read as .reuse/dep5 and as REUSE.toml (both come
// from the head revision of a repository).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gate/types/errors.hpp"
#include "rules/code/reuse_annotations.hpp"

namespace {

void exercise(const std::vector<gate::rules::ReuseAnnotation>& annotations) {
  for (const auto& annotation : annotations) {
    if (annotation.license.empty() && annotation.source == ".reuse/dep5") __builtin_trap();
    if (!annotation.paths) __builtin_trap();
    for (const char* path : {"README.md", "src/a/b.c", "gen/x.py", "my dir/#f"}) {
      (void)annotation.matches(path);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    exercise(gate::rules::parse_dep5(text, ".reuse/dep5"));
  } catch (const gate::InputError&) {
    // A malformed line is reported, never a crash.
  }
  try {
    exercise(gate::rules::parse_reuse_toml(text, "REUSE.toml"));
  } catch (const gate::InputError&) {
  }
  return 0;
}
