// NumPy .npy header parsing (and object payload walking) over arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/model/npy_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto stream = gate::stream_over(bytes);
  gate::rules::model::ByteReader reader(*stream);
  gate::rules::model::scan_npy(reader, bytes.size());
  return 0;
}
