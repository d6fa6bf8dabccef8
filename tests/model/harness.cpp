#include "tests/model/harness.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cstring>

#include "tests/support/support.hpp"

namespace gate::test {

std::string fixture(const std::string& name) {
  return read_file(std::filesystem::path(GATE_SOURCE_DIR) / "tests/model/fixtures" / name);
}

std::vector<std::string> model_verdicts(const std::string& path, const std::string& bytes,
                                        const rules::model::ScanOptions& options,
                                        bool with_format) {
  rules::model::FileScan scan = rules::model::scan_model_file(
      path, bytes.size(), [&] { return stream_over(bytes); }, options);
  std::string format =
      with_format ? std::string(rules::model::format_name(scan.format)) + ": " : "";
  std::vector<std::string> out;
  for (const auto& issue : scan.issues) {
    out.push_back((issue.blocking ? "E " : "W ") + format + issue.message);
  }
  return out;
}

std::string noise(size_t size, uint64_t seed) {
  std::string out(size, '\0');
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < size; i += 8) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    std::memcpy(out.data() + i, &x, std::min<size_t>(8, size - i));
  }
  return out;
}

long peak_rss_kib(int who) {
  rusage usage{};
  getrusage(who, &usage);
  return usage.ru_maxrss;
}

}  // namespace gate::test
