// Scans every line of a file for personal data, as data-pii does, twice: without national phone
// regions (the default) and with seven regions declared. Prints one line a pass:
//   "regions=R bytes=N cpu_seconds=C mb_per_s=M matches=K"
//   bench_pii FILE
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/data/cpu_time.hpp"
#include "rules/data/pii_detectors.hpp"

namespace {

void pass(const std::vector<std::string>& lines, size_t bytes, std::vector<std::string> regions) {
  std::string label = regions.empty() ? "none" : std::to_string(regions.size());
  gate::data::PiiScanner scanner(std::move(regions));
  double start = cpu_seconds();
  size_t matches = 0;
  for (const auto& line : lines) matches += scanner.scan(line).size();
  double cpu = cpu_seconds() - start;
  std::printf("regions=%s bytes=%zu cpu_seconds=%.3f mb_per_s=%.1f matches=%zu\n", label.c_str(),
              bytes, cpu, bytes / 1e6 / (cpu > 0 ? cpu : 1e-9), matches);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: bench_pii FILE\n");
    return 2;
  }
  std::ifstream file(argv[1], std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "bench_pii: cannot open %s\n", argv[1]);
    return 2;
  }
  std::vector<std::string> lines;
  size_t bytes = 0;
  for (std::string line; std::getline(file, line);) {
    bytes += line.size() + 1;
    lines.push_back(std::move(line));
  }
  pass(lines, bytes, {});
  pass(lines, bytes, {"GB", "DE", "FR", "IN", "JP", "AU", "BR"});
  return 0;
}
