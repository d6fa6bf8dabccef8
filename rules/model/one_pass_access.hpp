#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "rules/model/byte_reader.hpp"

namespace gate::rules::model {

// Where the bytes between the kept head and tail go during the one forward pass.
enum class MiddleBytes {
  // Passed over; a read that lands there copies them to a temporary file with a second read of
  // the blob (torch writes data.pkl first, so a checkpoint never needs it).
  on_demand,
  // Copied to a temporary file as they pass (an npz: NumPy reads every member).
  spill,
};

// Random access over a blob after one forward pass over `whole` (a stream from the start of a
// blob of `size` bytes): the first `head_window` and the last `tail_window` bytes are kept in
// memory, which is where a zip reader looks first (central directory at the end, the first
// members at the start). Everything between is read from an unlinked temporary file in TMPDIR
// (pread, so the page cache holds it, not the process). The blob is read once, or twice when
// `on_demand` middle bytes are asked for; memory stays at the two windows and a copy buffer.
// Throws RuleError when the temporary file cannot be written.
std::unique_ptr<RandomAccess> random_access_in_one_pass(std::unique_ptr<ByteStream> whole,
                                                        uint64_t size, StreamOpener reopen,
                                                        size_t head_window, size_t tail_window,
                                                        MiddleBytes middle);

}  // namespace gate::rules::model
