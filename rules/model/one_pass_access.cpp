#include "rules/model/one_pass_access.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "gate/types/errors.hpp"

namespace gate::rules::model {

namespace {

constexpr size_t kCopyBuffer = 1u << 20;

std::string temp_dir() {
  const char* dir = std::getenv("TMPDIR");
  return dir && *dir ? dir : "/tmp";
}

// An unlinked temporary file: its bytes live in the page cache and on disk, never in the
// process, and vanish with the descriptor.
class SpillFile {
 public:
  SpillFile() {
    std::string dir = temp_dir();
    fd_ = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ < 0) {  // a file system without O_TMPFILE
      std::string name = dir + "/gate-model-XXXXXX";
      fd_ = mkostemp(name.data(), O_CLOEXEC);
      if (fd_ >= 0) ::unlink(name.c_str());
    }
    if (fd_ < 0) fail("cannot create a temporary file in " + dir);
  }
  ~SpillFile() { ::close(fd_); }
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  void append(const char* data, size_t size) {
    while (size > 0) {
      ssize_t n = ::write(fd_, data, size);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail("cannot write a temporary file in " + temp_dir());
      data += n;
      size -= static_cast<size_t>(n);
      written_ += static_cast<uint64_t>(n);
    }
  }
  uint64_t written() const { return written_; }
  size_t read_at(uint64_t offset, char* out, size_t size) const {
    while (true) {
      ssize_t n = ::pread(fd_, out, size, static_cast<off_t>(offset));
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR) fail("cannot read back a temporary file in " + temp_dir());
    }
  }

 private:
  [[noreturn]] static void fail(const std::string& what) {
    throw RuleError(what + ": " + std::strerror(errno) +
                    " (a zip's middle is kept there; set TMPDIR to a writable folder with room "
                    "for the largest model)");
  }
  int fd_ = -1;
  uint64_t written_ = 0;
};

// Copies up to `count` bytes of `stream` into `spill` (or drops them when `spill` is null);
// returns how many the stream had.
uint64_t pass_over(ByteStream& stream, uint64_t count, SpillFile* spill) {
  std::vector<char> buffer(static_cast<size_t>(std::min<uint64_t>(kCopyBuffer, count)));
  uint64_t done = 0;
  while (done < count) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), count - done));
    size_t got = stream.read(buffer.data(), want);
    if (got == 0) break;
    if (spill) spill->append(buffer.data(), got);
    done += got;
  }
  return done;
}

class OnePassAccess : public RandomAccess {
 public:
  OnePassAccess(std::unique_ptr<ByteStream> whole, uint64_t size, StreamOpener reopen,
                size_t head_window, size_t tail_window, MiddleBytes middle)
      : reopen_(std::move(reopen)) {
    head_ = read_up_to(*whole, static_cast<size_t>(std::min<uint64_t>(head_window, size)));
    uint64_t tail_start = size > tail_window ? size - tail_window : 0;
    tail_offset_ = std::max<uint64_t>(tail_start, head_.size());
    uint64_t middle_size = tail_offset_ - head_.size();
    if (middle == MiddleBytes::spill && middle_size > 0) spill_ = std::make_unique<SpillFile>();
    uint64_t passed = pass_over(*whole, middle_size, spill_.get());
    if (passed == middle_size) {
      tail_ = read_up_to(*whole, static_cast<size_t>(size - tail_offset_));
    } else {
      tail_offset_ = head_.size() + passed;  // the stream ended early: nothing past it exists
    }
    size_ = tail_offset_ + tail_.size();  // what the stream really held
  }
  uint64_t size() const override { return size_; }
  size_t read_at(uint64_t offset, char* out, size_t size) override {
    size_t total = 0;
    while (total < size && offset < size_) {
      size_t n = 0;
      if (offset < head_.size()) {
        n = static_cast<size_t>(std::min<uint64_t>(size - total, head_.size() - offset));
        std::memcpy(out + total, head_.data() + offset, n);
      } else if (offset >= tail_offset_) {
        n = static_cast<size_t>(std::min<uint64_t>(size - total, size_ - offset));
        std::memcpy(out + total, tail_.data() + (offset - tail_offset_), n);
      } else {
        n = static_cast<size_t>(std::min<uint64_t>(size - total, tail_offset_ - offset));
        n = middle().read_at(offset - head_.size(), out + total, n);
        if (n == 0) break;
      }
      total += n;
      offset += n;
    }
    return total;
  }

 private:
  // The middle bytes, fetched with a second read of the blob the first time they are needed.
  const SpillFile& middle() {
    if (spill_) return *spill_;
    auto again = reopen_();
    if (!again) throw RuleError("blob disappeared while it was being read");
    if (pass_over(*again, head_.size(), nullptr) != head_.size()) {
      throw RuleError("blob changed while it was being read");
    }
    auto spill = std::make_unique<SpillFile>();
    uint64_t middle_size = tail_offset_ - head_.size();
    if (pass_over(*again, middle_size, spill.get()) != middle_size) {
      throw RuleError("blob changed while it was being read");
    }
    spill_ = std::move(spill);
    return *spill_;
  }

  StreamOpener reopen_;
  uint64_t size_ = 0;
  std::string head_;
  std::string tail_;
  uint64_t tail_offset_ = 0;
  std::unique_ptr<SpillFile> spill_;
};

}  // namespace

std::unique_ptr<RandomAccess> random_access_in_one_pass(std::unique_ptr<ByteStream> whole,
                                                        uint64_t size, StreamOpener reopen,
                                                        size_t head_window, size_t tail_window,
                                                        MiddleBytes middle) {
  return std::make_unique<OnePassAccess>(std::move(whole), size, std::move(reopen), head_window,
                                         tail_window, middle);
}

}  // namespace gate::rules::model
