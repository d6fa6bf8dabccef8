#include "rules/data/line_stream.hpp"

#include <algorithm>
#include <cstring>

namespace gate::data {

namespace {
constexpr size_t kBufferSize = 256 * 1024;
}

LineStream::LineStream(ByteStream& stream, size_t max_line)
    : stream_(stream), max_line_(max_line), buffer_(std::make_unique<char[]>(kBufferSize)) {}

bool LineStream::next(std::string& line, uint64_t& number) {
  line.clear();
  bool any = false;
  number = number_;
  for (;;) {
    if (pos_ == end_) {
      if (eof_) break;
      size_t n = stream_.read(buffer_.get(), kBufferSize);
      if (n == 0) {
        eof_ = true;
        break;
      }
      pos_ = 0;
      end_ = n;
    }
    any = true;
    const char* start = buffer_.get() + pos_;
    size_t available = std::min(end_ - pos_, max_line_ - line.size());
    const void* newline = std::memchr(start, '\n', available);
    size_t take = newline ? static_cast<const char*>(newline) - start : available;
    line.append(start, take);
    pos_ += take;
    if (newline) {
      ++pos_;
      ++number_;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return true;
    }
    if (line.size() >= max_line_) return true;  // a piece of a long line
  }
  return any;
}

}  // namespace gate::data
