#pragma once

// Where playwright-core is (installed by scripts/ci-lint-tools.sh browser), for the tests that
// drive Debian's chromium; nullopt with the reason when the browser, node or the install is
// missing, so the test can skip saying why.
#include <cctype>
#include <filesystem>
#include <optional>
#include <string>

#include "tests/support/support.hpp"

namespace gate::server::test {

inline std::optional<std::filesystem::path> playwright_core(std::string& why) {
  if (!std::filesystem::exists("/usr/bin/chromium")) {
    why = "/usr/bin/chromium is missing (scripts/install-deps.sh installs it)";
    return std::nullopt;
  }
  if (gate::test::run({"node", "--version"}).exit_code != 0) {
    why = "node is missing";
    return std::nullopt;
  }
  auto r = gate::test::run({"timeout", "240", "bash",
                            std::string(GATE_SOURCE_DIR) + "/scripts/ci-lint-tools.sh", "browser"});
  if (r.exit_code != 0) {
    why = "scripts/ci-lint-tools.sh browser failed: " + r.err;
    return std::nullopt;
  }
  std::string dir = r.out;
  while (!dir.empty() && std::isspace(static_cast<unsigned char>(dir.back()))) dir.pop_back();
  return std::filesystem::path(dir) / "node_modules/playwright-core";
}

}  // namespace gate::server::test
