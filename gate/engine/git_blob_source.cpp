#include "gate/engine/git_blob_source.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>

#include "gate/types/errors.hpp"

namespace gate {

// Borrows a repository handle for the duration of one call.
class GitBlobSource::Lease {
 public:
  explicit Lease(const GitBlobSource& source) : source_(source), repo_(source.acquire()) {}
  ~Lease() { source_.release(std::move(repo_)); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  git_repository* get() const { return repo_.get(); }

 private:
  const GitBlobSource& source_;
  git::Repository repo_;
};

namespace {

// Streams an object from the object database when the backend supports it (loose objects);
// otherwise holds the blob that libgit2 loaded.
class OdbStream : public ByteStream {
 public:
  OdbStream(git_odb_stream* stream, uint64_t size) : stream_(stream), size_(size) {}
  ~OdbStream() override { git_odb_stream_free(stream_); }
  OdbStream(const OdbStream&) = delete;
  OdbStream& operator=(const OdbStream&) = delete;
  size_t read(char* buffer, size_t size) override {
    if (remaining_ == 0) return 0;
    int n = git_odb_stream_read(stream_, buffer, std::min<size_t>(size, 1 << 20));
    if (n < 0) throw RuleError("cannot read object stream");
    remaining_ -= std::min<uint64_t>(remaining_, static_cast<uint64_t>(n));
    return static_cast<size_t>(n);
  }
  uint64_t total_size() const override { return size_; }

 private:
  git_odb_stream* stream_;
  uint64_t size_;
  uint64_t remaining_ = size_;
};

class BlobStream : public ByteStream {
 public:
  explicit BlobStream(git::Blob blob) : blob_(std::move(blob)) {
    data_ = static_cast<const char*>(git_blob_rawcontent(blob_.get()));
    size_ = static_cast<uint64_t>(git_blob_rawsize(blob_.get()));
  }
  size_t read(char* buffer, size_t size) override {
    size_t n = static_cast<size_t>(std::min<uint64_t>(size, size_ - offset_));
    if (n) std::memcpy(buffer, data_ + offset_, n);
    offset_ += n;
    return n;
  }
  uint64_t total_size() const override { return size_; }

 private:
  git::Blob blob_;
  const char* data_ = nullptr;
  uint64_t size_ = 0;
  uint64_t offset_ = 0;
};

// Blobs larger than this that libgit2 cannot stream (packed objects) are streamed by
// `git cat-file`, so a multi-gigabyte model is never held in memory.
constexpr uint64_t kStreamThroughGit = 256ull << 20;

extern "C" char** environ;

// Streams `git cat-file blob <id>` from a child process.
class CatFileStream : public ByteStream {
 public:
  static std::unique_ptr<CatFileStream> start(const std::string& git_dir, const std::string& id,
                                              uint64_t size) {
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) return nullptr;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    std::string dir_arg = "--git-dir=" + git_dir;
    std::vector<std::string> args = {"git", dir_arg, "cat-file", "blob", id};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    if (rc != 0) {
      close(pipe_fds[0]);
      return nullptr;
    }
    return std::unique_ptr<CatFileStream>(new CatFileStream(pid, pipe_fds[0], size));
  }
  ~CatFileStream() override {
    close(fd_);
    if (!finished_) kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  CatFileStream(const CatFileStream&) = delete;
  CatFileStream& operator=(const CatFileStream&) = delete;
  size_t read(char* buffer, size_t size) override {
    while (true) {
      ssize_t n = ::read(fd_, buffer, size);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0)
        throw RuleError(std::string("cannot read from git cat-file: ") + std::strerror(errno));
      if (n == 0) finished_ = true;
      return static_cast<size_t>(n);
    }
  }
  uint64_t total_size() const override { return size_; }

 private:
  CatFileStream(pid_t pid, int fd, uint64_t size) : pid_(pid), fd_(fd), size_(size) {}
  pid_t pid_;
  int fd_;
  uint64_t size_;
  bool finished_ = false;
};

}  // namespace

GitBlobSource::GitBlobSource(std::string git_dir, const git_oid& merge_base, const git_oid& head,
                             const git_oid& base)
    : git_dir_(std::move(git_dir)), merge_base_(merge_base), head_(head), base_(base) {}

git::Repository GitBlobSource::acquire() const {
  {
    std::lock_guard lock(mutex_);
    if (!pool_.empty()) {
      git::Repository repo = std::move(pool_.back());
      pool_.pop_back();
      return repo;
    }
  }
  return git::open_repository(git_dir_);
}

void GitBlobSource::release(git::Repository repo) const {
  std::lock_guard lock(mutex_);
  pool_.push_back(std::move(repo));
}

std::optional<git_oid> GitBlobSource::blob_id(git_repository* repo, Tree tree,
                                              std::string_view path) const {
  const git_oid& commit_id = tree == Tree::head ? head_ : tree == Tree::base ? base_ : merge_base_;
  git::Commit commit = git::lookup_commit(repo, commit_id);
  git::Tree root = git::commit_tree(commit.get());
  git_tree_entry* raw = nullptr;
  std::string owned(path);
  if (owned.empty() || git_tree_entry_bypath(&raw, root.get(), owned.c_str()) < 0) {
    return std::nullopt;
  }
  git::TreeEntry entry(raw);
  git_filemode_t mode = git_tree_entry_filemode(entry.get());
  if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) return std::nullopt;
  return *git_tree_entry_id(entry.get());
}

namespace {

uint64_t object_size(git_repository* repo, const git_oid& id) {
  git_odb* raw_odb = nullptr;
  git::check(git_repository_odb(&raw_odb, repo), "cannot open the object database");
  git::Odb odb(raw_odb);
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  git::check(git_odb_read_header(&size, &type, odb.get(), &id), "cannot read object header");
  return size;
}

}  // namespace

std::optional<std::string> GitBlobSource::read(Tree tree, std::string_view path,
                                               uint64_t max_bytes) const {
  Lease lease(*this);
  auto id = blob_id(lease.get(), tree, path);
  if (!id) return std::nullopt;
  uint64_t size = object_size(lease.get(), *id);
  if (size > max_bytes) {
    throw RuleError("'" + std::string(path) + "' is " + std::to_string(size) +
                    " bytes, over the read limit of " + std::to_string(max_bytes));
  }
  git_blob* blob = nullptr;
  git::check(git_blob_lookup(&blob, lease.get(), &*id), "cannot read '" + std::string(path) + "'");
  git::Blob owned(blob);
  return std::string(static_cast<const char*>(git_blob_rawcontent(owned.get())),
                     static_cast<size_t>(git_blob_rawsize(owned.get())));
}

std::unique_ptr<ByteStream> GitBlobSource::open(Tree tree, std::string_view path) const {
  Lease lease(*this);
  auto id = blob_id(lease.get(), tree, path);
  if (!id) return nullptr;
  git_odb* raw_odb = nullptr;
  git::check(git_repository_odb(&raw_odb, lease.get()), "cannot open the object database");
  git::Odb odb(raw_odb);
  git_odb_stream* stream = nullptr;
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (git_odb_open_rstream(&stream, &size, &type, odb.get(), &*id) == 0) {
    return std::make_unique<OdbStream>(stream, size);
  }
  git_error_clear();
  size = object_size(lease.get(), *id);
  if (size > kStreamThroughGit) {
    if (auto child = CatFileStream::start(git_dir_, git::to_hex(*id), size)) return child;
  }
  git_blob* blob = nullptr;
  git::check(git_blob_lookup(&blob, lease.get(), &*id), "cannot read '" + std::string(path) + "'");
  return std::make_unique<BlobStream>(git::Blob(blob));
}

std::optional<uint64_t> GitBlobSource::size(Tree tree, std::string_view path) const {
  Lease lease(*this);
  auto id = blob_id(lease.get(), tree, path);
  if (!id) return std::nullopt;
  return object_size(lease.get(), *id);
}

std::vector<std::string> GitBlobSource::list(Tree tree) const {
  Lease lease(*this);
  const git_oid& commit_id = tree == Tree::head ? head_ : tree == Tree::base ? base_ : merge_base_;
  git::Commit commit = git::lookup_commit(lease.get(), commit_id);
  git::Tree root = git::commit_tree(commit.get());
  std::vector<std::string> paths;
  auto visit = [](const char* root_path, const git_tree_entry* entry, void* payload) -> int {
    git_filemode_t mode = git_tree_entry_filemode(entry);
    if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
      static_cast<std::vector<std::string>*>(payload)->push_back(std::string(root_path) +
                                                                 git_tree_entry_name(entry));
    }
    return 0;
  };
  git::check(git_tree_walk(root.get(), GIT_TREEWALK_PRE, visit, &paths), "cannot list tree");
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace gate
