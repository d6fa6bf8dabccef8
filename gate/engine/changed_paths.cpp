#include "gate/engine/changed_paths.hpp"

#include <algorithm>

#include "gate/engine/git.hpp"

namespace gate {

namespace {

bool is_tree(const git_tree_entry* entry) { return git_tree_entry_type(entry) == GIT_OBJECT_TREE; }

enum class Side { old_side, new_side };

class ChangedPathWalk {
 public:
  explicit ChangedPathWalk(git_repository* repo) : repo_(repo) {}

  void compare(const git_tree* old_tree, const git_tree* new_tree, const std::string& prefix) {
    size_t old_count = git_tree_entrycount(old_tree);
    for (size_t i = 0; i < old_count; ++i) {
      const git_tree_entry* old_entry = git_tree_entry_byindex(old_tree, i);
      const git_tree_entry* new_entry =
          git_tree_entry_byname(new_tree, git_tree_entry_name(old_entry));
      std::string path = prefix + git_tree_entry_name(old_entry);
      if (!new_entry) {
        add_all(old_entry, path, Side::old_side);
        continue;
      }
      if (git_tree_entry_filemode(old_entry) == git_tree_entry_filemode(new_entry) &&
          git_oid_equal(git_tree_entry_id(old_entry), git_tree_entry_id(new_entry))) {
        continue;
      }
      if (is_tree(old_entry) && is_tree(new_entry)) {
        git::Tree old_subtree = lookup(old_entry);
        git::Tree new_subtree = lookup(new_entry);
        compare(old_subtree.get(), new_subtree.get(), path + "/");
        continue;
      }
      if (!is_tree(old_entry) && !is_tree(new_entry)) {
        TreeDelta delta;
        delta.path = std::move(path);
        delta.old_mode = static_cast<uint16_t>(git_tree_entry_filemode(old_entry));
        delta.new_mode = static_cast<uint16_t>(git_tree_entry_filemode(new_entry));
        delta.old_id = *git_tree_entry_id(old_entry);
        delta.new_id = *git_tree_entry_id(new_entry);
        deltas_.push_back(std::move(delta));
        continue;
      }
      // A file became a folder or the other way round: the file's path and everything in the
      // folder changed.
      add_all(old_entry, path, Side::old_side);
      add_all(new_entry, path, Side::new_side);
    }
    size_t new_count = git_tree_entrycount(new_tree);
    for (size_t i = 0; i < new_count; ++i) {
      const git_tree_entry* new_entry = git_tree_entry_byindex(new_tree, i);
      if (git_tree_entry_byname(old_tree, git_tree_entry_name(new_entry))) continue;
      add_all(new_entry, prefix + git_tree_entry_name(new_entry), Side::new_side);
    }
  }

  std::vector<TreeDelta> take() {
    std::sort(deltas_.begin(), deltas_.end(),
              [](const TreeDelta& a, const TreeDelta& b) { return a.path < b.path; });
    return std::move(deltas_);
  }

 private:
  git::Tree lookup(const git_tree_entry* entry) {
    git_tree* tree = nullptr;
    git::check(git_tree_lookup(&tree, repo_, git_tree_entry_id(entry)),
               "cannot read tree " + git::to_hex(*git_tree_entry_id(entry)));
    return git::Tree(tree);
  }

  // The entry, or for a subtree every entry below it, present on one side only.
  void add_all(const git_tree_entry* entry, const std::string& path, Side side) {
    if (!is_tree(entry)) {
      TreeDelta delta;
      delta.path = path;
      auto mode = static_cast<uint16_t>(git_tree_entry_filemode(entry));
      (side == Side::old_side ? delta.old_mode : delta.new_mode) = mode;
      (side == Side::old_side ? delta.old_id : delta.new_id) = *git_tree_entry_id(entry);
      deltas_.push_back(std::move(delta));
      return;
    }
    git::Tree tree = lookup(entry);
    size_t count = git_tree_entrycount(tree.get());
    for (size_t i = 0; i < count; ++i) {
      const git_tree_entry* child = git_tree_entry_byindex(tree.get(), i);
      add_all(child, path + "/" + git_tree_entry_name(child), side);
    }
  }

  git_repository* repo_;
  std::vector<TreeDelta> deltas_;
};

}  // namespace

std::vector<TreeDelta> changed_paths(git_repository* repo, const git_tree* old_tree,
                                     const git_tree* new_tree) {
  ChangedPathWalk walk(repo);
  walk.compare(old_tree, new_tree, "");
  return walk.take();
}

}  // namespace gate
