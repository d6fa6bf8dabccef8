#pragma once

#include <git2.h>

#include <mutex>
#include <string>
#include <vector>

#include "gate/engine/git.hpp"
#include "gate/types/blob_source.hpp"

namespace gate {

// Reads blobs of the merge base, head and base trees of a repository. Safe for concurrent use by
// rules: each call borrows a repository handle of its own from a small pool. Only regular files
// are read; symlinks and submodules read as absent (never followed).
class GitBlobSource : public BlobSource {
 public:
  GitBlobSource(std::string git_dir, const git_oid& merge_base, const git_oid& head,
                const git_oid& base);

  std::optional<std::string> read(Tree tree, std::string_view path,
                                  uint64_t max_bytes) const override;
  std::unique_ptr<ByteStream> open(Tree tree, std::string_view path) const override;
  std::optional<uint64_t> size(Tree tree, std::string_view path) const override;
  std::vector<std::string> list(Tree tree) const override;

 private:
  class Lease;
  git::Repository acquire() const;
  void release(git::Repository repo) const;
  // Blob id of a regular file at `path` in `tree`, using `repo`.
  std::optional<git_oid> blob_id(git_repository* repo, Tree tree, std::string_view path) const;

  std::string git_dir_;
  git_oid merge_base_;
  git_oid head_;
  git_oid base_;
  mutable std::mutex mutex_;
  mutable std::vector<git::Repository> pool_;
};

}  // namespace gate
