#include "gate/engine/git_blob_source.hpp"

#include <algorithm>
#include <cstring>

#include "gate/engine/object_streams.hpp"
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

// Packed blobs larger than this are streamed by a `git cat-file` child rather than inflated
// whole by libgit2 (which has no streaming read of packed objects): a rule's memory stays bounded
// by this size whatever the blob's, for the cost of one process start per large blob.
constexpr uint64_t kStreamThroughGit = 4ull << 20;

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
  std::string hex = git::to_hex(*id);
  // Loose objects are inflated from their file with read(2): libgit2's stream maps the whole file.
  std::string objects_dir = std::string(git_repository_commondir(lease.get())) + "objects";
  if (auto loose = open_loose_blob(objects_dir, hex)) return loose;
  uint64_t size = object_size(lease.get(), *id);
  if (size > kStreamThroughGit) {
    if (auto child = open_blob_through_git(git_dir_, hex, size)) return child;
  }
  git_odb* raw_odb = nullptr;
  git::check(git_repository_odb(&raw_odb, lease.get()), "cannot open the object database");
  git::Odb odb(raw_odb);
  git_odb_stream* stream = nullptr;
  size_t stream_size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (git_odb_open_rstream(&stream, &stream_size, &type, odb.get(), &*id) == 0) {
    return std::make_unique<OdbStream>(stream, stream_size);
  }
  git_error_clear();
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
