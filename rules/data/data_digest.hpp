#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gate/types/blob_source.hpp"

namespace gate::data {

// MD5 and size of a stream, the way DVC records them. `md5_lf` is the digest DVC 2 (manifests
// without `hash: md5`) recorded for text files: CRLF turned into LF within each 1 MiB chunk read,
// so a pair split by a chunk boundary stays as it is.
struct DataDigest {
  std::string md5;
  std::string md5_lf;
  uint64_t size = 0;
  bool text = true;  // DVC's istextfile: no NUL and at most 30% odd bytes in the first 512

  // The md5 DVC 2 recorded for this file: text files were hashed with CRLF turned into LF.
  const std::string& legacy_md5() const { return text ? md5_lf : md5; }
};

DataDigest digest_stream(ByteStream& stream);

// A regular file of the workspace as a stream; nullptr when absent, a symlink or not a regular
// file (Gate never follows links out of the repository). Throws RuleError on read failure.
std::unique_ptr<ByteStream> open_workspace_file(const std::filesystem::path& root,
                                                const std::string& relative);

// The regular files below `relative` in the workspace, '/'-separated and relative to it, sorted;
// symlinks are neither followed nor listed. nullopt when the folder is absent (or a symlink).
// Throws RuleError past `limit` files.
std::optional<std::vector<std::string>> list_workspace_folder(const std::filesystem::path& root,
                                                              const std::string& relative,
                                                              size_t limit);

}  // namespace gate::data
