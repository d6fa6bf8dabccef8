// Fuzz target: DVC folder listing objects (`<md5>.dir`, JSON) and their serialisation. A bad
// listing must come back as a SchemaError; a listing read back must serialise to a listing that
// reads back to the same entries.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "rules/data/dvc_directory.hpp"
#include "rules/data/table_schema.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<gate::data::ListedFile> files;
  try {
    files = gate::data::parse_dvc_listing(text);
  } catch (const gate::data::SchemaError&) {
    return 0;
  }
  std::string bytes = gate::data::dvc_listing_bytes(files);
  auto again = gate::data::parse_dvc_listing(bytes);
  if (again.size() != files.size()) std::abort();
  gate::data::md5_hex(bytes);
  return 0;
}
