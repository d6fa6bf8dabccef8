// Reading repository content for rules: regular files only, streamed in constant memory.
#include "gate/engine/git_blob_source.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <fstream>

#include "gate/types/errors.hpp"
#include "tests/support/support.hpp"

namespace gate {
namespace {

using test::GitRepo;

git_oid resolve(git_repository* repo, const std::string& rev) {
  auto oid = git::resolve_commit(repo, rev);
  if (!oid) throw std::runtime_error("no " + rev);
  return *oid;
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

TEST(GitBlobSource, ReadsEachTreeAndNeverFollowsSymlinks) {
  git::Library library;
  GitRepo repo;
  repo.write("config.yaml", "old\n");
  repo.commit("base");
  repo.branch("feature");
  repo.write("config.yaml", "new\n");
  std::filesystem::create_symlink("/etc/passwd", repo.path() / "link");
  repo.commit("head");
  git::Repository handle = git::open_repository(repo.dir());
  git_oid base = resolve(handle.get(), "main");
  git_oid head = resolve(handle.get(), "feature");
  GitBlobSource blobs(git_repository_path(handle.get()), base, head, base);
  EXPECT_EQ(blobs.read(Tree::merge_base, "config.yaml", 100), "old\n");
  EXPECT_EQ(blobs.read(Tree::head, "config.yaml", 100), "new\n");
  EXPECT_EQ(blobs.read(Tree::head, "link", 100), std::nullopt);
  EXPECT_EQ(blobs.read(Tree::head, "missing", 100), std::nullopt);
  EXPECT_THROW(blobs.read(Tree::head, "config.yaml", 2), RuleError);
  EXPECT_EQ(blobs.size(Tree::head, "config.yaml"), 4u);
  EXPECT_EQ(blobs.list(Tree::head), std::vector<std::string>{"config.yaml"});
}

TEST(GitBlobSource, StreamsAPackedBlobLargerThanMemoryWouldAllow) {
  git::Library library;
  GitRepo repo;
  constexpr uint64_t kSize = 300ull << 20;
  {
    std::ofstream out(repo.path() / "model.bin", std::ios::binary);
    std::string chunk(1 << 20, '\0');
    chunk[0] = 'M';
    for (uint64_t written = 0; written < kSize; written += chunk.size()) out << chunk;
  }
  repo.commit("large model");
  repo.git({"gc", "-q"});
  git::Repository handle = git::open_repository(repo.dir());
  git_oid head = resolve(handle.get(), "HEAD");
  GitBlobSource blobs(git_repository_path(handle.get()), head, head, head);
  long before = peak_rss_kib();
  auto stream = blobs.open(Tree::head, "model.bin");
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(stream->total_size(), kSize);
  std::vector<char> buffer(1 << 16);
  uint64_t total = 0;
  size_t markers = 0;
  while (size_t n = stream->read(buffer.data(), buffer.size())) {
    for (size_t i = 0; i < n; ++i) markers += buffer[i] == 'M';
    total += n;
  }
  EXPECT_EQ(total, kSize);
  EXPECT_EQ(markers, 300u);
  // Peak memory grew by far less than the blob: it was streamed, not loaded.
  EXPECT_LT(peak_rss_kib() - before, 64 * 1024);
}

}  // namespace
}  // namespace gate
