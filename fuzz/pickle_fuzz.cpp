// Pickle opcode walker over arbitrary bytes: never crashes, never grows without bound.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/model/model_scan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gate::rules::model;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto stream = gate::stream_over(bytes);
  ByteReader reader(*stream);
  PickleLimits limits;
  limits.sequence = true;
  limits.max_stack = 1 << 16;
  limits.max_memo = 1 << 16;
  PickleScan scan = scan_pickle(reader, limits);
  ScanIssues issues;
  judge_pickle(scan, "pickle", ScanOptions{}, issues);
  return 0;
}
