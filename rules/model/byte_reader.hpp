#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gate/types/blob_source.hpp"

namespace gate::rules::model {

// A buffered, forward-only reader over a ByteStream that knows its offset. Model files are read
// through it so that multi-gigabyte payloads are skipped in constant memory.
class ByteReader {
 public:
  explicit ByteReader(ByteStream& stream, size_t buffer_size = 64 * 1024);

  uint64_t offset() const { return offset_; }
  // Next byte, or -1 at the end of the stream.
  int next();
  int peek();
  // Exactly `size` bytes into `out`; false (with `out` partially filled) when the stream ends.
  bool read_exact(char* out, size_t size);
  // Up to `size` bytes; fewer only at the end of the stream.
  size_t read_some(char* out, size_t size);
  // Discards `size` bytes; returns how many were actually skipped.
  uint64_t skip(uint64_t size);
  // Bytes up to (not including) the next '\n', of which the first `max_kept` are kept in `out`
  // (`cut` tells whether there were more); false when the stream ends before the newline. The
  // whole line and its newline are consumed, in constant memory.
  bool read_line(std::string& out, size_t max_kept, bool& cut);

 private:
  bool fill();
  ByteStream& stream_;
  std::vector<char> buffer_;
  size_t position_ = 0;
  size_t end_ = 0;
  uint64_t offset_ = 0;
  bool eof_ = false;
};

// Random access over a blob for the zip reader: memory, or one_pass_access.hpp over a stream.
class RandomAccess {
 public:
  virtual ~RandomAccess() = default;
  virtual uint64_t size() const = 0;
  // Reads up to `size` bytes at `offset`; returns the count (0 at or past the end).
  virtual size_t read_at(uint64_t offset, char* out, size_t size) = 0;
};

std::unique_ptr<RandomAccess> random_access_over(std::string_view bytes);
using StreamOpener = std::function<std::unique_ptr<ByteStream>()>;

// Up to `count` bytes from the start of `stream` (fewer only at its end).
std::string read_up_to(ByteStream& stream, size_t count);
// `prefix` followed by the rest of `rest`: puts back the bytes a caller looked at first.
std::unique_ptr<ByteStream> stream_with_prefix(std::string prefix,
                                               std::unique_ptr<ByteStream> rest);
std::unique_ptr<ByteStream> stream_with_prefix(std::string prefix, ByteStream& rest);

// A ByteStream over a window [offset, offset + size) of a RandomAccess.
std::unique_ptr<ByteStream> stream_over_window(RandomAccess& source, uint64_t offset,
                                               uint64_t size);

}  // namespace gate::rules::model
