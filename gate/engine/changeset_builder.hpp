#pragma once

#include <git2.h>

#include <cstdint>
#include <optional>
#include <string>

#include "gate/types/changeset.hpp"

namespace gate {

// git's default diff.renameLimit.
inline constexpr int kDefaultRenameLimit = 1000;

struct ChangeSetOptions {
  // Text files larger than this carry no added lines (marked too_large_for_lines): rules stream
  // them instead, so a multi-gigabyte file is never diffed in memory.
  uint64_t max_diff_bytes = 64ull << 20;
  unsigned threads = 0;  // 0: one per core
  // Edited renames are searched only while deleted x added files stay within this squared, as
  // git bounds it. Unset: the repository's diff.renameLimit, else git's default; 0: no bound.
  std::optional<int> rename_limit;
};

// The change merge_base..head, with renames detected as `git diff -M` detects them (no copies),
// each file's kinds, blob ids and sizes, the added lines of text files, and the commits of the
// range (oldest first). Throws InputError when the revisions cannot be compared (no common
// ancestor, shallow clone).
ChangeSet build_changeset(git_repository* repo, const git_oid& base, const git_oid& head,
                          const ChangeSetOptions& options);

}  // namespace gate
