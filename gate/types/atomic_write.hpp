#pragma once

#include <string>
#include <string_view>

namespace gate {

// Writes `content` to `path` through a temporary file in the same directory, fsync and a rename,
// so a reader sees the old file or the whole new one, never half of it, and a failure leaves the
// old file untouched. `mode` applies from creation on (a private key is never readable by others,
// not even for a moment). With `overwrite` false an existing file is an InputError, checked
// race-free. A device or pipe (/dev/stdout, a FIFO) is written in place, since a rename would
// replace it. Throws InputError naming the path when it cannot.
void write_file_atomically(const std::string& path, std::string_view content, int mode = 0644,
                           bool overwrite = true);

// write_file_atomically in the three steps of a run's prepare and commit: the constructor
// creates the temporary file beside `path` (so an unwritable place fails before anything is
// visible), write() fills and fsyncs it, publish() renames it into place. Destroyed without
// publish(), it removes the temporary file and leaves `path` as it was. A device or pipe is
// opened in the constructor and written in place by publish().
class StagedFile {
 public:
  explicit StagedFile(std::string path, int mode = 0644);
  ~StagedFile();
  StagedFile(StagedFile&& other) noexcept;
  StagedFile& operator=(StagedFile&&) = delete;
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  const std::string& path() const { return path_; }
  void write(std::string_view content);
  void publish();

 private:
  std::string path_;
  std::string temp_;  // empty for a device or pipe
  int fd_ = -1;
  int mode_ = 0644;
  std::string content_;  // for a device or pipe, written by publish()
  bool written_ = false;
};

}  // namespace gate
