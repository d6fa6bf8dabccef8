// Fuzzes the gitleaks TOML importer (read from the repository's base revision): any bytes must
// give a configuration or an InputError, never a crash, a hang or a leak. Accepted
// configurations are compiled and run over a fixed text, so hostile regexes are exercised too.
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "gate/types/errors.hpp"
#include "rules/code/secrets/gitleaks_config.hpp"
#include "rules/code/secrets/scanner.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  spdlog::set_level(spdlog::level::off);
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto config = gate::secrets::load_gitleaks_config(
        ".gitleaks.toml", [&](const std::string& path) -> std::optional<std::string> {
          if (path == ".gitleaks.toml") return text;
          return std::nullopt;
        });
    gate::secrets::Scanner scanner(std::move(config.rules), std::move(config.allowlists));
    gate::secrets::Fragment fragment;
    fragment.add_line(1, "api_key = \"acme_live_0123456789abcdefghij\" # gate:allow");
    fragment.add_line(2, text.substr(0, 4096));
    gate::secrets::Scanner::Session session(scanner);
    std::vector<gate::secrets::SecretMatch> matches;
    session.scan("src/app.py", fragment, {}, matches);
    session.scan_path("src/app.py", {}, matches);
  } catch (const gate::InputError&) {
  } catch (const gate::RuleError&) {
  }
  return 0;
}
