#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "gate/types/blob_source.hpp"

namespace gate {

// Streams of one git object's bytes that hold a small fixed buffer whatever the object's size:
// rules read multi-gigabyte models through them in bounded memory.

// A loose object (`objects/ab/cdef...`) inflated from its file with read(2), so none of it is
// mapped or held. nullptr when there is no such file (the object is packed or elsewhere); throws
// RuleError when the file is not a loose blob.
std::unique_ptr<ByteStream> open_loose_blob(const std::string& objects_dir, const std::string& hex);

// `git cat-file blob <hex>` in a child process, read from its pipe. The child is told to stream
// (core.bigFileThreshold) through small pack windows (core.packedGitWindowSize/Limit), so neither
// process holds the blob. nullptr when git cannot be started. Reading throws RuleError when the
// child ends before `size` bytes.
std::unique_ptr<ByteStream> open_blob_through_git(const std::string& git_dir,
                                                  const std::string& hex, uint64_t size);

}  // namespace gate
