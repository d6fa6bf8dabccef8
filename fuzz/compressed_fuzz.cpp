// Fuzz target: compressed data resources (gzip, bzip2, xz, zip through libarchive). The first
// byte picks the compression. Corrupt input must be a RuleError; output stays under its cap.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gate/types/blob_source.hpp"
#include "gate/types/errors.hpp"
#include "rules/data/compressed_stream.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using gate::data::Compression;
  static const Compression kinds[] = {Compression::gzip, Compression::bzip2, Compression::xz,
                                      Compression::zip};
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  constexpr uint64_t kCap = 1 << 20;
  try {
    auto stream = gate::data::open_decompressed(gate::stream_over(std::move(bytes)),
                                                kinds[data[0] % 4], "fuzz", kCap);
    char buffer[4096];
    uint64_t total = 0;
    while (size_t n = stream->read(buffer, sizeof buffer)) {
      total += n;
      if (total > kCap) __builtin_trap();
    }
  } catch (const gate::RuleError&) {
  }
  return 0;
}
