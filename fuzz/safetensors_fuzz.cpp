// safetensors header validation over arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/model/safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto stream = gate::stream_over(bytes);
  gate::rules::model::validate_safetensors(*stream, bytes.size());
  return 0;
}
