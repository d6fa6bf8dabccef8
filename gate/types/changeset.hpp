#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gate/types/added_lines.hpp"

namespace gate {

enum class ChangeStatus { added, modified, deleted, renamed, copied, type_changed };
std::string_view to_string(ChangeStatus status);

// What a tree entry is. Symlinks and submodules are reported as such, never followed.
enum class EntryKind { none, file, executable, symlink, submodule };
std::string_view to_string(EntryKind kind);

struct FileChange {
  ChangeStatus status = ChangeStatus::modified;
  std::string path;      // new path (old path for deletions)
  std::string old_path;  // differs from path for renames and copies
  EntryKind old_kind = EntryKind::none;
  EntryKind new_kind = EntryKind::none;
  std::string old_blob;  // lowercase hex object id; empty when absent
  std::string new_blob;
  uint64_t old_size = 0;
  uint64_t new_size = 0;
  bool binary = false;
  uint16_t similarity = 0;  // 0..100 for renames and copies
  // Added lines of text files. Files over the scan limit are marked `too_large_for_lines`
  // and carry none: rules that need content stream the blob instead.
  AddedLines added_lines;
  bool too_large_for_lines = false;
  // Asset classes of the policy this path belongs to; "other" when none.
  std::vector<std::string> assets;

  bool deleted() const { return status == ChangeStatus::deleted; }
  bool has_asset(std::string_view name) const;
};

struct Trailer {
  std::string key;
  std::string value;
};

struct Commit {
  std::string id;
  std::string author_name;
  std::string author_email;
  int64_t author_time = 0;  // seconds since the epoch
  std::string committer_name;
  std::string committer_email;
  int64_t committer_time = 0;
  std::string message;  // full message
  std::string summary;  // first line
  std::vector<Trailer> trailers;
  size_t parent_count = 0;
};

// The change under review: merge-base(base, head)..head, as a merge request shows it.
struct ChangeSet {
  std::string base;               // resolved base commit id
  std::string head;               // resolved head commit id
  std::string merge_base;         // commit id the diff starts from
  std::vector<FileChange> files;  // sorted by path
  std::vector<Commit> commits;    // oldest first
  // Nonzero when the search for edited renames was skipped because the change has more
  // candidates than diff.renameLimit allows (git's warning): the limit that would search them all.
  size_t rename_limit_needed = 0;
};

}  // namespace gate
