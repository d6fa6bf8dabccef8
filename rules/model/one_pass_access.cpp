#include "rules/model/one_pass_access.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
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

constexpr size_t kKeptBudget = 32u << 20;
constexpr char kLocalHeader[] = {'P', 'K', 3, 4};
constexpr size_t kLocalHeaderSize = 30;

// The starts of the zip local headers in the bytes that pass by, keyed by offset.
class LocalHeaderStarts {
 public:
  // `data` holds the blob's bytes [offset, offset + size).
  void see(uint64_t offset, const char* data, size_t size) {
    if (over_budget_) return;
    for (auto it = open_.begin(); it != open_.end();) {
      std::string& kept = starts_[*it];
      append(kept, data, size);
      it = complete(kept) ? open_.erase(it) : std::next(it);
    }
    if (dropped_over_budget()) return;
    // Signatures across the previous chunk's end: its last three bytes are searched again.
    std::string joined = carry_ + std::string(data, std::min<size_t>(size, 3));
    find_in(offset - carry_.size(), joined.data(), joined.size(), data, size, offset, true);
    find_in(offset, data, size, data, size, offset, false);
    carry_.append(data + size - std::min<size_t>(size, 3), std::min<size_t>(size, 3));
    carry_.erase(0, carry_.size() - std::min<size_t>(carry_.size(), 3));
  }
  // Bytes at `offset` that were kept, or 0 when none were.
  size_t read_at(uint64_t offset, char* out, size_t size) const {
    auto it = starts_.upper_bound(offset);
    if (it == starts_.begin()) return 0;
    --it;
    if (offset >= it->first + it->second.size()) return 0;
    size_t n =
        static_cast<size_t>(std::min<uint64_t>(size, it->first + it->second.size() - offset));
    std::memcpy(out, it->second.data() + (offset - it->first), n);
    return n;
  }

 private:
  // Past the budget nothing is kept: a read between the windows then reads the blob again.
  bool dropped_over_budget() {
    if (kept_ <= kKeptBudget) return false;
    over_budget_ = true;
    starts_.clear();
    open_.clear();
    return true;
  }
  static size_t wanted(const std::string& kept) {
    if (kept.size() < kLocalHeaderSize) return kLocalHeaderSize;
    auto u16 = [&](size_t at) {
      return static_cast<size_t>(static_cast<unsigned char>(kept[at])) |
             (static_cast<size_t>(static_cast<unsigned char>(kept[at + 1])) << 8);
    };
    return kLocalHeaderSize + u16(26) + u16(28) + kKeptAfterLocalHeader;
  }
  static bool complete(const std::string& kept) { return kept.size() >= wanted(kept); }
  void append(std::string& kept, const char* data, size_t size) {
    size_t before = kept.size();
    while (!complete(kept) && size > 0) {
      size_t n = std::min(size, wanted(kept) - kept.size());
      kept.append(data, n);
      data += n;
      size -= n;
    }
    kept_ += kept.size() - before;
  }
  // Records every signature that starts in `hay` ([hay_offset, +hay_size)); with
  // `only_carried`, only those starting before `chunk_offset`. The kept bytes come from `chunk`.
  void find_in(uint64_t hay_offset, const char* hay, size_t hay_size, const char* chunk,
               size_t chunk_size, uint64_t chunk_offset, bool only_carried) {
    const char* end = hay + hay_size;
    for (const char* at = hay; end - at >= 4;) {
      // memchr is vectorised; glibc's memmem took a third of the scan's time on tensor bytes.
      const void* hit = std::memchr(at, 'P', static_cast<size_t>(end - at - 3));
      if (!hit) break;
      const char* found = static_cast<const char*>(hit);
      at = found + 1;
      if (std::memcmp(found, kLocalHeader, 4) != 0) continue;
      uint64_t offset = hay_offset + static_cast<uint64_t>(found - hay);
      if (only_carried != (offset < chunk_offset)) continue;
      // Checked at every signature: a chunk of nothing but signatures must not outgrow it.
      if (dropped_over_budget()) return;
      std::string& kept = starts_[offset];
      if (offset < chunk_offset) {
        kept.assign(kLocalHeader, static_cast<size_t>(chunk_offset - offset));
        kept_ += kept.size();
        append(kept, chunk, chunk_size);
      } else {
        append(kept, chunk + (offset - chunk_offset),
               chunk_size - static_cast<size_t>(offset - chunk_offset));
      }
      if (!complete(kept)) open_.push_back(offset);
    }
  }

  std::map<uint64_t, std::string> starts_;
  std::vector<uint64_t> open_;  // starts still collecting bytes
  std::string carry_;
  size_t kept_ = 0;
  bool over_budget_ = false;
};

class OnePassAccess : public RandomAccess {
 public:
  OnePassAccess(std::unique_ptr<ByteStream> whole, uint64_t size, StreamOpener reopen,
                size_t head_window, size_t tail_window)
      : reopen_(std::move(reopen)) {
    head_ = read_up_to(*whole, static_cast<size_t>(std::min<uint64_t>(head_window, size)));
    uint64_t tail_start = size > tail_window ? size - tail_window : 0;
    tail_offset_ = std::max<uint64_t>(tail_start, head_.size());
    uint64_t passed = pass_over_middle(*whole, tail_offset_ - head_.size());
    if (head_.size() + passed == tail_offset_) {
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
        size_t kept = spill_ ? 0 : starts_.read_at(offset, out + total, n);
        n = kept ? kept : middle().read_at(offset - head_.size(), out + total, n);
        if (n == 0) break;
      }
      total += n;
      offset += n;
    }
    return total;
  }

 private:
  uint64_t pass_over_middle(ByteStream& whole, uint64_t count) {
    std::vector<char> buffer(static_cast<size_t>(std::min<uint64_t>(kCopyBuffer, count)));
    uint64_t done = 0;
    while (done < count) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), count - done));
      size_t got = whole.read(buffer.data(), want);
      if (got == 0) break;
      starts_.see(head_.size() + done, buffer.data(), got);
      done += got;
    }
    return done;
  }

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
    starts_ = LocalHeaderStarts();
    return *spill_;
  }

  StreamOpener reopen_;
  uint64_t size_ = 0;
  std::string head_;
  std::string tail_;
  uint64_t tail_offset_ = 0;
  LocalHeaderStarts starts_;
  std::unique_ptr<SpillFile> spill_;
};

}  // namespace

std::unique_ptr<RandomAccess> random_access_in_one_pass(std::unique_ptr<ByteStream> whole,
                                                        uint64_t size, StreamOpener reopen,
                                                        size_t head_window, size_t tail_window) {
  return std::make_unique<OnePassAccess>(std::move(whole), size, std::move(reopen), head_window,
                                         tail_window);
}

}  // namespace gate::rules::model
