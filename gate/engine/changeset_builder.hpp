#pragma once

#include <git2.h>

#include <cstdint>
#include <string>

#include "gate/types/changeset.hpp"

namespace gate {

struct ChangeSetOptions {
  // Text files larger than this carry no added lines (marked too_large_for_lines): rules stream
  // them instead, so a multi-gigabyte file is never diffed in memory.
  uint64_t max_diff_bytes = 64ull << 20;
  unsigned threads = 0;  // 0: one per core
};

// The change merge_base..head, with renames and copies detected, each file's kinds, blob ids and
// sizes, the added lines of text files, and the commits of the range (oldest first).
// Throws InputError when the revisions cannot be compared (no common ancestor, shallow clone).
ChangeSet build_changeset(git_repository* repo, const git_oid& base, const git_oid& head,
                          const ChangeSetOptions& options);

}  // namespace gate
