#pragma once

#include <string>
#include <string_view>

namespace gate {

// Writes `content` to `path` through a temporary file in the same directory, fsync and a rename,
// so a reader sees the old file or the whole new one, never half of it, and a failure leaves the
// old file untouched. `mode` applies from creation on (a private key is never readable by others,
// not even for a moment). With `overwrite` false an existing file is an InputError, checked
// race-free. A device or pipe (/dev/stdout, a FIFO) is written in place, since a rename would
// replace it. Throws InputError naming the path when it cannot.
void write_file_atomically(const std::string& path, std::string_view content, int mode = 0644,
                           bool overwrite = true);

}  // namespace gate
