#include "rules/model/byte_reader.hpp"

#include <algorithm>
#include <cstring>

#include "gate/types/errors.hpp"

namespace gate::rules::model {

ByteReader::ByteReader(ByteStream& stream, size_t buffer_size)
    : stream_(stream), buffer_(buffer_size) {}

bool ByteReader::fill() {
  if (position_ < end_) return true;
  if (eof_) return false;
  position_ = 0;
  end_ = stream_.read(buffer_.data(), buffer_.size());
  if (end_ == 0) eof_ = true;
  return end_ > 0;
}

int ByteReader::next() {
  if (!fill()) return -1;
  ++offset_;
  return static_cast<unsigned char>(buffer_[position_++]);
}

int ByteReader::peek() {
  if (!fill()) return -1;
  return static_cast<unsigned char>(buffer_[position_]);
}

bool ByteReader::read_exact(char* out, size_t size) { return read_some(out, size) == size; }

size_t ByteReader::read_some(char* out, size_t size) {
  size_t total = 0;
  while (size > 0) {
    if (!fill()) return total;
    size_t n = std::min(size, end_ - position_);
    std::memcpy(out, buffer_.data() + position_, n);
    position_ += n;
    offset_ += n;
    out += n;
    size -= n;
    total += n;
  }
  return total;
}

uint64_t ByteReader::skip(uint64_t size) {
  uint64_t skipped = 0;
  while (skipped < size) {
    if (!fill()) break;
    size_t n = static_cast<size_t>(std::min<uint64_t>(size - skipped, end_ - position_));
    position_ += n;
    offset_ += n;
    skipped += n;
  }
  return skipped;
}

bool ByteReader::read_line(std::string& out, size_t max_kept, bool& cut) {
  out.clear();
  cut = false;
  while (fill()) {
    const char* begin = buffer_.data() + position_;
    const void* newline = std::memchr(begin, '\n', end_ - position_);
    size_t n =
        newline ? static_cast<size_t>(static_cast<const char*>(newline) - begin) : end_ - position_;
    size_t keep = std::min(n, max_kept - out.size());
    if (keep < n) cut = true;
    out.append(begin, keep);
    position_ += n;
    offset_ += n;
    if (newline) {
      ++position_;
      ++offset_;
      return true;
    }
  }
  return false;
}

namespace {

class MemoryAccess : public RandomAccess {
 public:
  explicit MemoryAccess(std::string_view bytes) : bytes_(bytes) {}
  uint64_t size() const override { return bytes_.size(); }
  size_t read_at(uint64_t offset, char* out, size_t size) override {
    if (offset >= bytes_.size()) return 0;
    size_t n = std::min<uint64_t>(size, bytes_.size() - offset);
    std::memcpy(out, bytes_.data() + offset, n);
    return n;
  }

 private:
  std::string_view bytes_;
};

class WindowStream : public ByteStream {
 public:
  WindowStream(RandomAccess& source, uint64_t offset, uint64_t size)
      : source_(source), offset_(offset), size_(size) {}
  size_t read(char* buffer, size_t size) override {
    size_t want = static_cast<size_t>(std::min<uint64_t>(size, size_ - done_));
    if (want == 0) return 0;
    size_t got = source_.read_at(offset_ + done_, buffer, want);
    done_ += got;
    return got;
  }
  uint64_t total_size() const override { return size_; }

 private:
  RandomAccess& source_;
  uint64_t offset_;
  uint64_t size_;
  uint64_t done_ = 0;
};

class PrefixedStream : public ByteStream {
 public:
  PrefixedStream(std::string prefix, std::unique_ptr<ByteStream> owned, ByteStream& rest)
      : prefix_(std::move(prefix)), owned_(std::move(owned)), rest_(rest) {}
  size_t read(char* buffer, size_t size) override {
    if (at_ < prefix_.size()) {
      size_t n = std::min(size, prefix_.size() - at_);
      std::memcpy(buffer, prefix_.data() + at_, n);
      at_ += n;
      return n;
    }
    return rest_.read(buffer, size);
  }
  uint64_t total_size() const override { return rest_.total_size(); }

 private:
  std::string prefix_;
  size_t at_ = 0;
  std::unique_ptr<ByteStream> owned_;
  ByteStream& rest_;
};

}  // namespace

std::string read_up_to(ByteStream& stream, size_t count) {
  std::string out(count, '\0');
  size_t got = 0;
  while (got < count) {
    size_t n = stream.read(out.data() + got, count - got);
    if (n == 0) break;
    got += n;
  }
  out.resize(got);
  return out;
}

std::unique_ptr<ByteStream> stream_with_prefix(std::string prefix,
                                               std::unique_ptr<ByteStream> rest) {
  ByteStream& borrowed = *rest;
  return std::make_unique<PrefixedStream>(std::move(prefix), std::move(rest), borrowed);
}

std::unique_ptr<ByteStream> stream_with_prefix(std::string prefix, ByteStream& rest) {
  return std::make_unique<PrefixedStream>(std::move(prefix), nullptr, rest);
}

std::unique_ptr<RandomAccess> random_access_over(std::string_view bytes) {
  return std::make_unique<MemoryAccess>(bytes);
}

std::unique_ptr<ByteStream> stream_over_window(RandomAccess& source, uint64_t offset,
                                               uint64_t size) {
  return std::make_unique<WindowStream>(source, offset, size);
}

}  // namespace gate::rules::model
