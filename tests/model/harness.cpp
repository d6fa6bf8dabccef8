#include "tests/model/harness.hpp"

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

}  // namespace gate::test
