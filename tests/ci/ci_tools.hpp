// The npm tools of scripts/ci-lint-tools.sh for the tests that run them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "tests/support/support.hpp"

namespace gate::test {

// The group's node_modules/.bin, installed on first use in its folder outside the checkout
// (shared by every build type and by later clones on the machine); nullopt, and why, when npm or
// the registry is not there or the install outlasts 4 minutes.
inline std::optional<std::filesystem::path> ci_tools(const std::string& group, std::string& why) {
  RunResult r =
      run({"timeout", "240", "bash",
           (std::filesystem::path(GATE_SOURCE_DIR) / "scripts/ci-lint-tools.sh").string(), group});
  if (r.exit_code == 124) {
    why = "installing the " + group + " tools took over 4 minutes; run scripts/ci-lint-tools.sh " +
          group + " once, then run the tests again";
    return std::nullopt;
  }
  if (r.exit_code != 0) {
    why = r.err;
    return std::nullopt;
  }
  std::string dir = r.out;
  while (!dir.empty() && (dir.back() == '\n' || dir.back() == '\r')) dir.pop_back();
  return std::filesystem::path(dir) / "node_modules/.bin";
}

}  // namespace gate::test
