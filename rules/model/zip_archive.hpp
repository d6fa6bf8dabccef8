#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gate/types/blob_source.hpp"
#include "rules/model/byte_reader.hpp"

struct zip;
struct zip_source;

namespace gate::rules::model {

struct ZipMember {
  uint64_t index = 0;
  std::string name;   // raw bytes as stored
  uint64_t size = 0;  // declared uncompressed size
  uint64_t compressed_size = 0;
  bool encrypted = false;
};

// Raised by a member stream when the archive is corrupt (bad CRC, truncated data) or a member
// inflates beyond its cap: hostile input, reported as a finding.
class ZipDataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A zip archive read with libzip over a RandomAccess, read-only: the central directory from the
// end, then each member at the offset it gives. A failing read of the blob (RuleError) is
// rethrown, not taken for a corrupt archive.
class ZipArchive {
 public:
  // nullopt with `error` set when the bytes are not a readable zip archive.
  static std::unique_ptr<ZipArchive> open(RandomAccess& source, std::string& error);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  const std::vector<ZipMember>& members() const { return members_; }
  // Streams the member's uncompressed bytes; reading past `cap` bytes throws ZipDataError.
  std::unique_ptr<ByteStream> open_member(const ZipMember& member, uint64_t cap);

 private:
  ZipArchive(zip* archive, std::unique_ptr<std::exception_ptr> failure);
  struct Closer {
    void operator()(zip* archive) const;
  };
  // Set by the source when reading the blob fails; declared first so it outlives the archive.
  std::unique_ptr<std::exception_ptr> failure_;
  std::unique_ptr<zip, Closer> archive_;
  std::vector<ZipMember> members_;
};

// Whether extracting `name` could write outside the target folder (absolute paths, `..`
// segments, backslashes, drive letters, empty names).
bool zip_name_escapes(const std::string& name);

}  // namespace gate::rules::model
