#include "gate/types/atomic_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <utility>

#include "gate/types/errors.hpp"

namespace gate {

namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

[[noreturn]] void fail(const std::string& path, const char* what, int error,
                       const std::string& hint = {}) {
  throw InputError(path, 0, 0, std::string(what) + ": " + std::strerror(error), hint);
}

// Returns the errno of the first failed write, 0 when everything was written.
int write_all(int fd, std::string_view content) {
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    written += static_cast<size_t>(n);
  }
  return 0;
}

std::string temp_name(const std::string& path) {
  std::random_device random;
  return path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(random());
}

}  // namespace

StagedFile::StagedFile(std::string path, int mode) : path_(std::move(path)), mode_(mode) {
  struct stat existing {};
  if (::stat(path_.c_str(), &existing) == 0) {
    if (S_ISDIR(existing.st_mode)) {
      throw InputError(path_, 0, 0, "is a directory", "name a file to write to");
    }
    if (!S_ISREG(existing.st_mode)) {
      fd_ = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd_ < 0) fail(path_, "cannot open", errno);
      return;
    }
  }
  temp_ = temp_name(path_);
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd_ < 0) {
    int error = errno;
    temp_.clear();
    fail(path_, "cannot create a file here", error,
         "check that the directory exists and is writable");
  }
}

StagedFile::StagedFile(StagedFile&& other) noexcept
    : path_(std::move(other.path_)),
      temp_(std::exchange(other.temp_, {})),
      fd_(std::exchange(other.fd_, -1)),
      mode_(other.mode_),
      content_(std::move(other.content_)),
      written_(other.written_) {}

StagedFile::~StagedFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

void StagedFile::write(std::string_view content) {
  if (temp_.empty()) {  // a device or pipe: nothing to stage, written on publish
    content_ = std::string(content);
    written_ = true;
    return;
  }
  int error = write_all(fd_, content);
  if (error == 0 && ::fchmod(fd_, static_cast<mode_t>(mode_)) != 0) error = errno;  // umask
  if (error == 0 && ::fsync(fd_) != 0) error = errno;
  if (::close(std::exchange(fd_, -1)) != 0 && error == 0) error = errno;
  if (error != 0) fail(path_, "cannot write", error);
  written_ = true;
}

void StagedFile::publish() {
  if (!written_) write({});
  if (temp_.empty()) {
    if (int error = write_all(fd_, content_)) fail(path_, "cannot write", error);
    ::close(std::exchange(fd_, -1));
    return;
  }
  if (::rename(temp_.c_str(), path_.c_str()) != 0) fail(path_, "cannot replace the file", errno);
  temp_.clear();
}

void write_file_atomically(const std::string& path, std::string_view content, int mode,
                           bool overwrite) {
  if (overwrite) {
    StagedFile file(path, mode);
    file.write(content);
    file.publish();
    return;
  }
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0) {
    throw InputError(path, 0, 0, "already exists", "remove it first or choose another path");
  }
  std::string temp = temp_name(path);
  Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode)));
  if (fd.get() < 0) {
    fail(path, "cannot create a file here", errno,
         "check that the directory exists and is writable");
  }
  int error = write_all(fd.get(), content);
  if (error == 0 && ::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0) error = errno;  // umask
  if (error == 0 && ::fsync(fd.get()) != 0) error = errno;
  if (::close(fd.release()) != 0 && error == 0) error = errno;
  if (error != 0) {
    ::unlink(temp.c_str());
    fail(path, "cannot write", error);
  }
  // link() refuses an existing target, which makes "never overwrite" race-free.
  int linked = ::link(temp.c_str(), path.c_str());
  error = errno;
  ::unlink(temp.c_str());
  if (linked != 0) {
    fail(path, "cannot replace the file", error,
         error == EEXIST ? "remove it first or choose another path" : "");
  }
}

}  // namespace gate
