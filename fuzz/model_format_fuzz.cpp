// Format detection by content over arbitrary bytes, and the scan the detected format leads to,
// for a file whose name says nothing (as a model asset may be named).
#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/model/model_format.hpp"
#include "rules/model/model_scan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gate::rules::model;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  looks_like_pickle(bytes);
  detect_format("weights", bytes);
  ScanOptions options;
  options.max_member_size = 16 << 20;
  options.pickle.max_stack = 1 << 16;
  options.pickle.max_memo = 1 << 16;
  options.zip_head_window = 64;  // exercises reads outside the kept windows
  options.zip_tail_window = 64;
  scan_model_file(
      "weights", bytes.size(), [&] { return gate::stream_over(bytes); }, options);
  return 0;
}
