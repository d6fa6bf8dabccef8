#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "rules/model/byte_reader.hpp"

namespace gate::rules::model {

// Bytes kept after each zip local header met in the middle of a blob: the header, its name and
// extra field, then this much of the member's data (a NumPy header and a first read of libzip's
// inflater fit). Readers that want a member's start only should read at most this much at once.
constexpr size_t kKeptAfterLocalHeader = 32 * 1024;

// Random access over a blob after one forward pass over `whole` (a stream from the start of a
// blob of `size` bytes), for the zip reader. Kept in memory: the first `head_window` and the last
// `tail_window` bytes (the central directory at the end, torch's data.pkl at the start) and, in
// between, the start of every zip local header the pass meets (where libzip reads each member's
// header, and an npz member's NumPy header), up to 32 MiB in all. A read anywhere else copies the
// middle of the blob to an unlinked temporary file in TMPDIR with a second read, once, and is
// served from there (pread: the page cache holds it, not the process). So the blob is read once,
// or twice when a member is read beyond its start (an object array, a pickle outside the
// windows); memory stays at the windows, the kept starts and a copy buffer. Throws RuleError when
// the temporary file cannot be written.
std::unique_ptr<RandomAccess> random_access_in_one_pass(std::unique_ptr<ByteStream> whole,
                                                        uint64_t size, StreamOpener reopen,
                                                        size_t head_window, size_t tail_window);

}  // namespace gate::rules::model
