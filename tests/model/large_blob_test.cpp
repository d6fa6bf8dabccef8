// Large model blobs come out of real git repositories (loose and packed objects) in bounded
// memory, byte for byte, and a damaged object is an error. Memory is measured in a forked reader
// so earlier tests' peaks do not count.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gate/engine/git.hpp"
#include "gate/engine/git_blob_source.hpp"
#include "tests/model/harness.hpp"
#include "tests/support/support.hpp"

namespace gate::test {
namespace {

using ::testing::HasSubstr;

struct Measured {
  uint32_t crc = 0;
  uint64_t bytes = 0;
  long own_growth_kib = 0;  // this process's peak above its size when the read began
  long own_peak_kib = 0;
  long child_peak_kib = 0;  // the largest child (a `git cat-file`) it waited for
  std::string error;
};

// Reads `path` at HEAD of `git_dir` through GitBlobSource in a forked process.
Measured read_in_fork(const std::string& git_dir, const std::string& path) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    Measured m;
    try {
      git::Library library;
      git::Repository repo = git::open_repository(git_dir);
      git_oid head = *git::resolve_commit(repo.get(), "HEAD");
      GitBlobSource blobs(git_dir, head, head, head);
      long before = peak_rss_kib(RUSAGE_SELF);
      auto stream = blobs.open(Tree::head, path);
      std::vector<char> buffer(1 << 16);
      m.crc = static_cast<uint32_t>(crc32(0, nullptr, 0));
      while (size_t n = stream->read(buffer.data(), buffer.size())) {
        m.crc = static_cast<uint32_t>(crc32(m.crc, reinterpret_cast<Bytef*>(buffer.data()), n));
        m.bytes += n;
      }
      stream.reset();
      m.own_peak_kib = peak_rss_kib(RUSAGE_SELF);
      m.own_growth_kib = m.own_peak_kib - before;
      m.child_peak_kib = peak_rss_kib(RUSAGE_CHILDREN);
    } catch (const std::exception& e) {
      m.error = e.what();
    }
    std::string line = std::to_string(m.crc) + " " + std::to_string(m.bytes) + " " +
                       std::to_string(m.own_growth_kib) + " " + std::to_string(m.own_peak_kib) +
                       " " + std::to_string(m.child_peak_kib) + " " + m.error;
    (void)!write(fds[1], line.data(), line.size());
    _exit(0);
  }
  close(fds[1]);
  std::string line;
  char chunk[512];
  ssize_t n = 0;
  while ((n = read(fds[0], chunk, sizeof chunk)) > 0) line.append(chunk, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  Measured m;
  std::istringstream in(line);
  in >> m.crc >> m.bytes >> m.own_growth_kib >> m.own_peak_kib >> m.child_peak_kib;
  std::getline(in >> std::ws, m.error);
  return m;
}

class LargeBlob : public ::testing::Test {
 protected:
  static constexpr size_t kSize = 48u << 20;
  // The content is not kept: the forked reader's peak would count its pages.
  void SetUp() override {
    std::string content = noise(kSize, 7);
    crc = static_cast<uint32_t>(
        crc32(crc32(0, nullptr, 0), reinterpret_cast<const Bytef*>(content.data()), kSize));
    repo.write("models/model.bin", content);
    repo.commit("model");
  }
  std::string git_dir() const { return (repo.path() / ".git").string(); }
  std::string object_hex() {
    return repo.git({"rev-parse", "HEAD:models/model.bin"}).substr(0, 40);
  }
  uint32_t crc = 0;
  GitRepo repo;
};

TEST_F(LargeBlob, LooseObjectIsInflatedInBoundedMemory) {
  Measured m = read_in_fork(git_dir(), "models/model.bin");
  ASSERT_EQ(m.error, "");
  EXPECT_EQ(m.bytes, kSize);
  EXPECT_EQ(m.crc, crc);
  EXPECT_LT(m.own_growth_kib, 8 * 1024) << "the 48 MiB blob was held, not streamed";
}

TEST_F(LargeBlob, PackedObjectStreamsThroughGitInBoundedMemory) {
  repo.git({"gc", "-q"});
  ASSERT_FALSE(std::filesystem::exists(repo.path() / ".git/objects" / object_hex().substr(0, 2) /
                                       object_hex().substr(2)));
  Measured m = read_in_fork(git_dir(), "models/model.bin");
  ASSERT_EQ(m.error, "");
  EXPECT_EQ(m.bytes, kSize);
  EXPECT_EQ(m.crc, crc);
  EXPECT_LT(m.own_growth_kib, 8 * 1024);
  // git's defaults (bigFileThreshold 512 MiB, 1 GiB pack windows) would hold the blob twice.
  // A spawned child's peak starts at its parent's size (they share memory until exec), which
  // the bound allows for: under sanitizers that is the larger of the two.
  EXPECT_LT(m.child_peak_kib, std::max(m.own_peak_kib, 24L * 1024) + 8 * 1024)
      << "git cat-file held the blob";
}

TEST_F(LargeBlob, TruncatedLooseObjectIsAnErrorNotAShortBlob) {
  std::filesystem::path object =
      repo.path() / ".git/objects" / object_hex().substr(0, 2) / object_hex().substr(2);
  std::filesystem::permissions(object, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  std::filesystem::resize_file(object, std::filesystem::file_size(object) / 2);
  Measured m = read_in_fork(git_dir(), "models/model.bin");
  EXPECT_THAT(m.error, HasSubstr("is truncated"));
  EXPECT_THAT(m.error, HasSubstr(object_hex().substr(2)));
}

TEST_F(LargeBlob, CorruptPackedObjectIsAnErrorNotAShortBlob) {
  repo.git({"gc", "-q"});
  for (const auto& entry : std::filesystem::directory_iterator(repo.path() / ".git/objects/pack")) {
    if (entry.path().extension() != ".pack") continue;
    std::filesystem::permissions(entry.path(), std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add);
    std::fstream pack(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
    pack.seekp(static_cast<std::streamoff>(std::filesystem::file_size(entry.path()) / 2));
    pack.write("\xff\x00\xff\x00\xff\x00\xff\x00", 8);
  }
  Measured m = read_in_fork(git_dir(), "models/model.bin");
  EXPECT_THAT(m.error, HasSubstr("git cat-file blob " + object_hex() + " failed after"));
}

}  // namespace
}  // namespace gate::test
