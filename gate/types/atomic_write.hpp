#pragma once

#include <string>
#include <string_view>

namespace gate {

// Writes `content` to `path` through a temporary file in the same directory and a rename, so a
// reader never sees a half-written file and a failure leaves the old file untouched.
// Throws InputError naming the path when it cannot.
void write_file_atomically(const std::string& path, std::string_view content, int mode = 0644);

}  // namespace gate
