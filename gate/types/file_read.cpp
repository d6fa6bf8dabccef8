#include "gate/types/file_read.hpp"

#include <fstream>
#include <sstream>

#include "gate/types/errors.hpp"

namespace gate {

std::optional<std::string> try_read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(content).str();
}

std::string read_file_or_throw(const std::filesystem::path& path, const std::string& what,
                               const std::string& hint) {
  auto content = try_read_file(path);
  if (!content) throw InputError(path.string(), 0, 0, what, hint);
  return std::move(*content);
}

}  // namespace gate
