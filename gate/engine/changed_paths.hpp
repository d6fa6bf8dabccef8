#pragma once

#include <git2.h>

#include <string>
#include <vector>

namespace gate {

// Every path whose entry differs between two trees (content, mode or kind), found by descending
// only into subtrees whose ids differ, so the cost follows the size of the change rather than the
// size of the repository. A subtree present on one side only contributes all its entries.
// Paths are repository-relative, unsorted.
std::vector<std::string> changed_paths(git_repository* repo, const git_tree* old_tree,
                                       const git_tree* new_tree);

}  // namespace gate
