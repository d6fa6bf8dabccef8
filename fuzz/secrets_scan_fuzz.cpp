// Fuzzes the secrets scanner with the built-in catalogue over arbitrary added text (NUL bytes,
// invalid UTF-8, huge lines) and over the printable runs of arbitrary binary blobs; the same
// bytes are also decoded as a cached pattern-database file (hostile cache contents).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rules/code/secrets/catalogue.hpp"
#include "rules/code/secrets/fragment.hpp"
#include "rules/code/secrets/prefilter_cache.hpp"
#include "rules/code/secrets/scanner.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const gate::secrets::Scanner scanner(gate::secrets::builtin_catalogue(), {});
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  gate::secrets::Fragment lines;
  uint32_t number = 1;
  size_t start = 0;
  while (start <= input.size()) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    lines.add_line(number++, input.substr(start, end - start));
    start = end + 1;
  }
  gate::secrets::Scanner::Session session(scanner);
  std::vector<gate::secrets::SecretMatch> matches;
  gate::secrets::ScanOptions options;
  options.allow_inline = size % 2 == 0;
  session.scan("fuzz.txt", lines, options, matches);
  session.scan("fuzz.bin", gate::secrets::printable_runs(input), options, matches);
  for (const auto& match : matches) {
    if (match.secret.empty() || match.column == 0) __builtin_trap();
  }
  std::string why_not;
  auto cached = gate::secrets::decode_cached_database(input, "", why_not);
  if (!cached && why_not.empty()) __builtin_trap();  // every rejection says why
  return 0;
}
