// Zip containers (PyTorch checkpoints, .npz) and legacy tar checkpoints over arbitrary bytes,
// through the same entry point the model-serialization rule uses.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/model/model_scan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gate::rules::model;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  ScanOptions options;
  options.max_member_size = 16 << 20;
  options.pickle.max_stack = 1 << 16;
  options.pickle.max_memo = 1 << 16;
  auto open = [&] { return gate::stream_over(bytes); };
  for (const char* path : {"model.pt", "arrays.npz"}) {
    scan_model_file(path, bytes.size(), open, options);
  }
  return 0;
}
