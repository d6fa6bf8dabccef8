#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "gate/types/blob_source.hpp"

namespace gate::data {

// Physical lines of a stream in constant memory. A line longer than `max_line` comes out in
// pieces of `max_line` bytes that share its line number. Strips "\n" and "\r\n".
class LineStream {
 public:
  LineStream(ByteStream& stream, size_t max_line = 1 << 20);
  bool next(std::string& line, uint64_t& number);

 private:
  ByteStream& stream_;
  size_t max_line_;
  std::unique_ptr<char[]> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  uint64_t number_ = 1;
};

}  // namespace gate::data
