#include "attest/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "gate/types/errors.hpp"

namespace gate::attest {

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

std::string temp_name(const std::string& path) {
  std::random_device random;
  return path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(random());
}
}  // namespace

void write_file_atomic(const std::string& path, const std::string& content, mode_t mode,
                       bool overwrite) {
  namespace fs = std::filesystem;
  if (!overwrite && fs::exists(path)) {
    throw InputError(path, 0, 0, "already exists", "remove it first or choose another path");
  }
  std::string temp = temp_name(path);
  Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (fd.get() < 0) {
    throw InputError(path, 0, 0, std::string("cannot write: ") + std::strerror(errno),
                     "check that the folder exists and is writable");
  }
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd.get(), content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int error = errno;
      ::unlink(temp.c_str());
      throw InputError(path, 0, 0, std::string("cannot write: ") + std::strerror(error));
    }
    written += static_cast<size_t>(n);
  }
  bool synced = ::fsync(fd.get()) == 0;
  bool closed = ::close(fd.release()) == 0;
  if (!synced || !closed) {
    ::unlink(temp.c_str());
    throw InputError(path, 0, 0, "cannot write: the file system refused to sync it");
  }
  // link() refuses an existing target, which makes "never overwrite" race-free.
  int moved = overwrite ? ::rename(temp.c_str(), path.c_str()) : ::link(temp.c_str(), path.c_str());
  int error = errno;
  if (!overwrite) ::unlink(temp.c_str());
  if (moved != 0) {
    if (overwrite) ::unlink(temp.c_str());
    throw InputError(path, 0, 0, std::string("cannot write: ") + std::strerror(error),
                     error == EEXIST ? "remove it first or choose another path" : "");
  }
}

}  // namespace gate::attest
