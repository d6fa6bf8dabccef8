#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace gate {

// The whole content of a file, bytes as they are; nullopt when it cannot be opened or read.
std::optional<std::string> try_read_file(const std::filesystem::path& path);

// The whole content of a file; throws InputError(path, `what`: the reason, `hint`) when it
// cannot be read.
std::string read_file_or_throw(const std::filesystem::path& path,
                               const std::string& what = "cannot read the file",
                               const std::string& hint = "check the path and permissions");

}  // namespace gate
