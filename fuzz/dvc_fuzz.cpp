// Fuzz target: DVC `.dvc` files, `dvc.lock` and the stage `wdir`s of `dvc.yaml` (YAML). Every
// defect must come back as a problem (or no wdir): no exception, crash or unbounded work.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rules/data/dvc_manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  gate::data::parse_dvc_file(text);
  gate::data::parse_dvc_lock(text);
  gate::data::parse_stage_wdirs(text);
  return 0;
}
