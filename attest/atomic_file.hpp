#pragma once

#include <sys/types.h>
#include <string>

namespace gate::attest {

// Writes `content` to `path` through a temp file in the same folder, fsync and rename, so readers
// see the old file or the whole new one, never half of it. `mode` applies from creation on (a
// private key is never readable by others, not even for a moment). With `overwrite` false an
// existing file is an InputError.
void write_file_atomic(const std::string& path, const std::string& content, mode_t mode = 0644,
                       bool overwrite = true);

}  // namespace gate::attest
