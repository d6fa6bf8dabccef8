#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "gate/types/blob_source.hpp"

namespace gate::data {

// MD5 and size of a stream, the way DVC records them. `md5_lf` is the digest DVC 2 (manifests
// without `hash: md5`) recorded for text files: CRLF turned into LF within each 1 MiB chunk read,
// so a pair split by a chunk boundary stays as it is.
struct DataDigest {
  std::string md5;
  std::string md5_lf;
  uint64_t size = 0;
};

DataDigest digest_stream(ByteStream& stream);

// A regular file of the workspace as a stream; nullptr when absent, a symlink or not a regular
// file (Gate never follows links out of the repository). Throws RuleError on read failure.
std::unique_ptr<ByteStream> open_workspace_file(const std::filesystem::path& root,
                                                const std::string& relative);

}  // namespace gate::data
