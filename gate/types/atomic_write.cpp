#include "gate/types/atomic_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "gate/types/errors.hpp"

namespace gate {

namespace {

// Devices and pipes (/dev/stdout, a FIFO) cannot be replaced by a rename: write them in place.
void write_in_place(const std::string& path, std::string_view content) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path, 0, 0, std::string("cannot open: ") + std::strerror(errno));
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      close(fd);
      throw InputError(path, 0, 0, std::string("cannot write: ") + std::strerror(saved));
    }
    written += static_cast<size_t>(n);
  }
  close(fd);
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view content, int mode) {
  struct stat existing {};
  if (stat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) {
    if (S_ISDIR(existing.st_mode)) {
      throw InputError(path, 0, 0, "is a directory", "name a file to write the report to");
    }
    write_in_place(path, content);
    return;
  }
  std::filesystem::path target(path);
  std::filesystem::path directory = target.has_parent_path() ? target.parent_path() : ".";
  std::string temp = (directory / ("." + target.filename().string() + ".gate-XXXXXX")).string();
  int fd = mkstemp(temp.data());
  if (fd < 0) {
    throw InputError(path, 0, 0, std::string("cannot create a file here: ") + std::strerror(errno),
                     "check that the directory exists and is writable");
  }
  auto fail = [&](const char* what) {
    int saved = errno;
    close(fd);
    unlink(temp.c_str());
    throw InputError(path, 0, 0, std::string(what) + ": " + std::strerror(saved));
  };
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write");
    }
    written += static_cast<size_t>(n);
  }
  if (fchmod(fd, static_cast<mode_t>(mode)) != 0) fail("cannot set permissions");
  if (fsync(fd) != 0) fail("cannot flush");
  if (close(fd) != 0) {
    int saved = errno;
    unlink(temp.c_str());
    throw InputError(path, 0, 0, std::string("cannot close: ") + std::strerror(saved));
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    unlink(temp.c_str());
    throw InputError(path, 0, 0, std::string("cannot replace the file: ") + std::strerror(saved));
  }
}

}  // namespace gate
