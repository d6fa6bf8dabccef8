#include "tests/model/harness.hpp"

#include "tests/support/support.hpp"

namespace gate::test {

std::string fixture(const std::string& name) {
  return read_file(std::filesystem::path(GATE_SOURCE_DIR) / "tests/model/fixtures" / name);
}

}  // namespace gate::test
