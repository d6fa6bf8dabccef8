#include "rules/data/transcoding_stream.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace gate::data {

namespace {

class Latin1Stream : public ByteStream {
 public:
  explicit Latin1Stream(std::unique_ptr<ByteStream> source) : source_(std::move(source)) {}

  size_t read(char* buffer, size_t size) override {
    size_t n = 0;
    while (n < size) {
      if (pending_ != 0) {
        buffer[n++] = static_cast<char>(pending_);
        pending_ = 0;
        continue;
      }
      if (pos_ == end_) {
        end_ = source_->read(input_, sizeof input_);
        pos_ = 0;
        if (end_ == 0) break;
      }
      auto byte = static_cast<unsigned char>(input_[pos_++]);
      if (byte < 0x80) {
        buffer[n++] = static_cast<char>(byte);
      } else {
        buffer[n++] = static_cast<char>(0xC0 | (byte >> 6));
        pending_ = static_cast<unsigned char>(0x80 | (byte & 0x3F));
      }
    }
    return n;
  }
  uint64_t total_size() const override { return source_->total_size(); }

 private:
  std::unique_ptr<ByteStream> source_;
  char input_[32 * 1024];
  size_t pos_ = 0;
  size_t end_ = 0;
  unsigned char pending_ = 0;
};

}  // namespace

std::unique_ptr<ByteStream> open_transcoded(std::unique_ptr<ByteStream> stream,
                                            std::string_view encoding) {
  std::string name;
  for (char c : encoding) {
    if (c != '-' && c != '_')
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (name == "latin1" || name == "iso88591" || name == "l1" || name == "iso8859") {
    return std::make_unique<Latin1Stream>(std::move(stream));
  }
  return stream;
}

}  // namespace gate::data
