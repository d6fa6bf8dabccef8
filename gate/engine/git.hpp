#pragma once

#include <git2.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gate/types/handle.hpp"

namespace gate::git {

// libgit2 must be initialised once per process; the Library object does it for its lifetime.
class Library {
 public:
  Library();
  ~Library();
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;
};

// Throws InputError with libgit2's last error message when `code` < 0.
void check(int code, std::string_view what);

template <typename T, void (*Free)(T*)>
using Handle = gate::Handle<T, Free>;

using Repository = Handle<git_repository, git_repository_free>;
using Object = Handle<git_object, git_object_free>;
using Commit = Handle<git_commit, git_commit_free>;
using Tree = Handle<git_tree, git_tree_free>;
using TreeEntry = Handle<git_tree_entry, git_tree_entry_free>;
using Blob = Handle<git_blob, git_blob_free>;
using Diff = Handle<git_diff, git_diff_free>;
using Patch = Handle<git_patch, git_patch_free>;
using Reference = Handle<git_reference, git_reference_free>;
using RevWalk = Handle<git_revwalk, git_revwalk_free>;
using Odb = Handle<git_odb, git_odb_free>;
using OdbObject = Handle<git_odb_object, git_odb_object_free>;
using Signature = Handle<git_signature, git_signature_free>;
using Index = Handle<git_index, git_index_free>;
using Note = Handle<git_note, git_note_free>;

// Owns a git_buf.
class Buffer {
 public:
  Buffer() = default;
  ~Buffer() { git_buf_dispose(&buf_); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  git_buf* get() { return &buf_; }
  std::string str() const { return buf_.ptr ? std::string(buf_.ptr, buf_.size) : std::string(); }

 private:
  git_buf buf_ = GIT_BUF_INIT;
};

std::string to_hex(const git_oid& oid);
// Opens the repository containing `path` (searching upwards), bare or not, worktrees included.
Repository open_repository(const std::string& path);
// Resolves a revision expression to a commit; nullopt when it does not name one.
std::optional<git_oid> resolve_commit(git_repository* repo, const std::string& revision);
Commit lookup_commit(git_repository* repo, const git_oid& oid);
Tree commit_tree(git_commit* commit);

}  // namespace gate::git
