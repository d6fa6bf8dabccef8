#pragma once

#include <git2.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gate {

// One path whose tree entry differs between two trees. A mode of 0 means the side has no entry
// at the path (added or deleted).
struct TreeDelta {
  std::string path;
  uint16_t old_mode = 0;
  uint16_t new_mode = 0;
  git_oid old_id{};
  git_oid new_id{};
};

// Every non-tree entry that differs between two trees (content, mode or kind), found by
// descending only into subtrees whose ids differ, so the cost follows the size of the change
// rather than the size of the repository. A subtree present on one side only contributes all its
// entries; a file that became a folder is a deletion plus the folder's additions. Sorted by path
// (byte order, which is git's order of a diff).
std::vector<TreeDelta> changed_paths(git_repository* repo, const git_tree* old_tree,
                                     const git_tree* new_tree);

}  // namespace gate
