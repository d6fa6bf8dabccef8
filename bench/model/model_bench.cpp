// Pickle scanning of a PyTorch zip checkpoint against the floor of reading the same file, in
// the same run. Usage: model_bench <checkpoint.pt> [repetitions] [git-dir path-at-HEAD]
// With a repository, the blob is read as Gate reads it (GitBlobSource: libgit2 or a
// `git cat-file` child for large packed blobs), and the floor is one read of that blob.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "gate/engine/git.hpp"
#include "gate/engine/git_blob_source.hpp"
#include "rules/model/model_scan.hpp"

namespace {

// A ByteStream over a file, as a blob source hands one out.
class FileStream : public gate::ByteStream {
 public:
  explicit FileStream(const std::string& path) : file_(std::fopen(path.c_str(), "rb")) {
    if (!file_) throw std::runtime_error("cannot open " + path);
    std::fseek(file_.get(), 0, SEEK_END);
    size_ = static_cast<uint64_t>(std::ftell(file_.get()));
    std::fseek(file_.get(), 0, SEEK_SET);
  }
  size_t read(char* buffer, size_t size) override {
    return std::fread(buffer, 1, size, file_.get());
  }
  uint64_t total_size() const override { return size_; }

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file_;
  uint64_t size_ = 0;
};

// Counts the bytes the scan pulls from the blob, to report how many times it is read.
class CountingStream : public gate::ByteStream {
 public:
  CountingStream(std::unique_ptr<gate::ByteStream> inner, uint64_t& counter)
      : inner_(std::move(inner)), counter_(counter) {}
  size_t read(char* buffer, size_t size) override {
    size_t n = inner_->read(buffer, size);
    counter_ += n;
    return n;
  }
  uint64_t total_size() const override { return inner_->total_size(); }

 private:
  std::unique_ptr<gate::ByteStream> inner_;
  uint64_t& counter_;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The floor: read every byte of the blob once through the same stream, 1 MiB at a time.
template <typename Open>
double read_floor(const Open& open) {
  auto start = std::chrono::steady_clock::now();
  auto stream = open();
  std::vector<char> buffer(1 << 20);
  while (stream->read(buffer.data(), buffer.size()) > 0) {
  }
  return seconds_since(start);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: model_bench <checkpoint.pt> [repetitions]\n");
    return 2;
  }
  std::string path = argv[1];
  int repetitions = argc > 2 ? std::stoi(argv[2]) : 3;
  uint64_t size = FileStream(path).total_size();
  gate::git::Library git_library;
  std::unique_ptr<gate::GitBlobSource> git_source;
  std::string git_path;
  if (argc > 4) {
    auto repo = gate::git::open_repository(argv[3]);
    auto head = gate::git::resolve_commit(repo.get(), "HEAD");
    if (!head) throw std::runtime_error("no HEAD commit in " + std::string(argv[3]));
    git_source = std::make_unique<gate::GitBlobSource>(argv[3], *head, *head, *head);
    git_path = argv[4];
    size = *git_source->size(gate::Tree::head, git_path);
  }
  auto open_blob = [&]() -> std::unique_ptr<gate::ByteStream> {
    if (git_source) return git_source->open(gate::Tree::head, git_path);
    return std::make_unique<FileStream>(path);
  };
  gate::rules::model::ScanOptions options;
  double best_floor = 1e9;
  double best_scan = 1e9;
  size_t issues = 0;
  uint64_t pulled = 0;
  int opens = 0;
  for (int i = 0; i < repetitions; ++i) {
    best_floor = std::min(best_floor, read_floor(open_blob));
    pulled = 0;
    opens = 0;
    auto start = std::chrono::steady_clock::now();
    auto scan = gate::rules::model::scan_model_file(
        path, size,
        [&] {
          ++opens;
          return std::make_unique<CountingStream>(open_blob(), pulled);
        },
        options);
    best_scan = std::min(best_scan, seconds_since(start));
    issues = scan.issues.size();
  }
  double mb = static_cast<double>(size) / 1e6;
  std::printf("file: %s (%.0f MB)\n", path.c_str(), mb);
  std::printf("floor (read loop, 1 MiB buffer): %.3f s  %.0f MB/s\n", best_floor, mb / best_floor);
  std::printf("model-serialization scan:        %.3f s  %.0f MB/s  (%zu issues)\n", best_scan,
              mb / best_scan, issues);
  // From git, every open is a fresh decompression (or a `git cat-file` child) from the start.
  std::printf("blob opened %d times, bytes pulled by the scan: %.2fx the file\n", opens,
              static_cast<double>(pulled) / static_cast<double>(size));
  std::printf("ratio scan/floor: %.2fx (goal <= 1.5x)\n", best_scan / best_floor);
  return 0;
}
