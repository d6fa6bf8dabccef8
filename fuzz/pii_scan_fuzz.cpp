// Fuzz target: the PII scanner over hostile lines, with national phone forms of several regions
// (libphonenumber parses every candidate). No crash, no unbounded work; every match lies inside
// the line and matches do not overlap.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "rules/data/pii_detectors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const gate::data::PiiScanner scanner({"GB", "DE", "FR", "IN", "JP", "US", "IT"});
  std::string_view line(reinterpret_cast<const char*>(data), size);
  size_t end = 0;
  for (const auto& match : scanner.scan(line)) {
    if (match.offset < end || match.offset + match.value.size() > line.size()) std::abort();
    if (line.substr(match.offset, match.value.size()) != match.value) std::abort();
    end = match.offset + match.value.size();
  }
  return 0;
}
