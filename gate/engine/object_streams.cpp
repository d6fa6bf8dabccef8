#include "gate/engine/object_streams.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

#include "gate/types/errors.hpp"

extern "C" char** environ;

namespace gate {

namespace {

std::string errno_text() { return std::strerror(errno); }

// read(2) that retries on EINTR; returns -1 on failure with errno set.
ssize_t read_retrying(int fd, void* buffer, size_t size) {
  while (true) {
    ssize_t n = ::read(fd, buffer, size);
    if (n >= 0 || errno != EINTR) return n;
  }
}

class LooseBlobStream : public ByteStream {
 public:
  LooseBlobStream(int fd, std::string path) : fd_(fd), path_(std::move(path)), input_(64 * 1024) {
    std::memset(&zlib_, 0, sizeof zlib_);
    if (inflateInit(&zlib_) != Z_OK) {
      ::close(fd_);
      throw RuleError("cannot start inflating " + path_);
    }
    try {
      read_header();
    } catch (...) {
      inflateEnd(&zlib_);
      ::close(fd_);
      throw;
    }
  }
  ~LooseBlobStream() override {
    inflateEnd(&zlib_);
    ::close(fd_);
  }
  LooseBlobStream(const LooseBlobStream&) = delete;
  LooseBlobStream& operator=(const LooseBlobStream&) = delete;

  size_t read(char* buffer, size_t size) override {
    if (size == 0) return 0;
    size_t produced = inflate_into(buffer, std::min<size_t>(size, UINT_MAX));
    produced_ += produced;
    if (produced_ > size_) throw RuleError(path_ + " holds more bytes than its header declares");
    if (produced == 0 && produced_ != size_) {
      throw RuleError(path_ + " ends after " + std::to_string(produced_) + " of " +
                      std::to_string(size_) + " bytes");
    }
    return produced;
  }
  uint64_t total_size() const override { return size_; }

 private:
  // "blob <decimal size>\0", inflated a byte at a time so no content byte is consumed with it.
  void read_header() {
    std::string header;
    char c = 0;
    while (header.size() < 32) {
      if (inflate_into(&c, 1) == 0) break;
      if (c == '\0') break;
      header.push_back(c);
    }
    if (c != '\0' || header.rfind("blob ", 0) != 0 || header.size() == 5) {
      throw RuleError(path_ + " is not a loose blob");
    }
    uint64_t size = 0;
    for (char digit : header.substr(5)) {
      if (digit < '0' || digit > '9' || size > (UINT64_MAX - 9) / 10) {
        throw RuleError(path_ + " has a malformed object header");
      }
      size = size * 10 + static_cast<uint64_t>(digit - '0');
    }
    size_ = size;
  }

  // Inflates up to `size` bytes into `out`; 0 only at the end of the zlib stream.
  size_t inflate_into(char* out, size_t size) {
    if (ended_) return 0;
    zlib_.next_out = reinterpret_cast<Bytef*>(out);
    zlib_.avail_out = static_cast<uInt>(size);
    while (zlib_.avail_out == size) {
      if (zlib_.avail_in == 0) {
        ssize_t n = read_retrying(fd_, input_.data(), input_.size());
        if (n < 0) throw RuleError("cannot read " + path_ + ": " + errno_text());
        if (n == 0) throw RuleError(path_ + " is truncated");
        zlib_.next_in = input_.data();
        zlib_.avail_in = static_cast<uInt>(n);
      }
      int rc = inflate(&zlib_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        ended_ = true;
        break;
      }
      if (rc != Z_OK && !(rc == Z_BUF_ERROR && zlib_.avail_in == 0)) {
        throw RuleError(path_ + " is corrupt: " + (zlib_.msg ? zlib_.msg : "inflate failed"));
      }
    }
    return size - zlib_.avail_out;
  }

  int fd_;
  std::string path_;
  std::vector<unsigned char> input_;
  z_stream zlib_;
  uint64_t size_ = 0;
  uint64_t produced_ = 0;
  bool ended_ = false;
};

class CatFileStream : public ByteStream {
 public:
  CatFileStream(pid_t pid, int fd, std::string hex, uint64_t size)
      : pid_(pid), fd_(fd), hex_(std::move(hex)), size_(size) {}
  ~CatFileStream() override {
    ::close(fd_);
    if (reaped_) return;
    kill(pid_, SIGTERM);  // a reader that stops early does not wait for the rest
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  CatFileStream(const CatFileStream&) = delete;
  CatFileStream& operator=(const CatFileStream&) = delete;

  size_t read(char* buffer, size_t size) override {
    if (reaped_ || size == 0) return 0;
    ssize_t n = read_retrying(fd_, buffer, size);
    if (n < 0) throw RuleError("cannot read from git cat-file: " + errno_text());
    received_ += static_cast<uint64_t>(n);
    if (n == 0) finish();
    return static_cast<size_t>(n);
  }
  uint64_t total_size() const override { return size_; }

 private:
  // At the end of the pipe: the child must have succeeded and sent exactly the blob.
  void finish() {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0) {
      if (errno != EINTR) throw RuleError("cannot wait for git cat-file: " + errno_text());
    }
    reaped_ = true;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || received_ != size_) {
      throw RuleError("git cat-file blob " + hex_ + " failed after " + std::to_string(received_) +
                      " of " + std::to_string(size_) + " bytes (see its message above)");
    }
  }

  pid_t pid_;
  int fd_;
  std::string hex_;
  uint64_t size_;
  uint64_t received_ = 0;
  bool reaped_ = false;
};

}  // namespace

std::unique_ptr<ByteStream> open_loose_blob(const std::string& objects_dir,
                                            const std::string& hex) {
  if (hex.size() < 3) return nullptr;
  std::string path = objects_dir + "/" + hex.substr(0, 2) + "/" + hex.substr(2);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return nullptr;
    throw RuleError("cannot open " + path + ": " + errno_text());
  }
  return std::make_unique<LooseBlobStream>(fd, std::move(path));
}

std::unique_ptr<ByteStream> open_blob_through_git(const std::string& git_dir,
                                                  const std::string& hex, uint64_t size) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return nullptr;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  // Below core.bigFileThreshold (512 MiB by default) git inflates a blob whole in memory, and
  // it maps packs in 1 GiB windows: both would make the child hold the blob.
  std::vector<std::string> args = {"git",      "--git-dir=" + git_dir,
                                   "-c",       "core.bigFileThreshold=1",
                                   "-c",       "core.packedGitWindowSize=4m",
                                   "-c",       "core.packedGitLimit=16m",
                                   "cat-file", "blob",
                                   hex};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    return nullptr;
  }
  return std::make_unique<CatFileStream>(pid, pipe_fds[0], hex, size);
}

}  // namespace gate
