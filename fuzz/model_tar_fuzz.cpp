// Tar archives (v7, ustar, GNU long names, PAX records, links) over arbitrary bytes: the walker
// alone, then the legacy-checkpoint scan the model-serialization rule runs on them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/model/model_scan.hpp"
#include "rules/model/tar_walker.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gate::rules::model;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto stream = gate::stream_over(bytes);
  ByteReader reader(*stream);
  walk_tar(reader, [](const std::string&, uint64_t, gate::ByteStream& content) {
    char buffer[256];
    while (content.read(buffer, sizeof buffer) > 0) {
    }
  });
  looks_like_tar(bytes);
  ScanOptions options;
  options.pickle.max_stack = 1 << 16;
  options.pickle.max_memo = 1 << 16;
  scan_model_file(
      "old.pt", bytes.size(), [&] { return gate::stream_over(bytes); }, options);
  return 0;
}
