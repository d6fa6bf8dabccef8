#include "gate/engine/git.hpp"

#include <stdexcept>

#include "gate/types/errors.hpp"

namespace gate::git {

Library::Library() {
  git_libgit2_init();
  // libgit2 re-hashes every object it reads; git itself does not (corruption is fsck's job, and
  // whoever can rewrite .git/objects can rewrite the refs too). Re-hashing was a third of the
  // time of `gate check` on a large change.
  git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}
Library::~Library() { git_libgit2_shutdown(); }

void check(int code, std::string_view what) {
  if (code >= 0) return;
  const git_error* error = git_error_last();
  std::string message(what);
  message += ": ";
  message += error && error->message ? error->message : "libgit2 error " + std::to_string(code);
  // libgit2 fails on a repository it cannot read (damaged, missing objects, locked), which is
  // unusable input rather than a defect of Gate.
  throw InputError(message, "check the repository with `git fsck`");
}

std::string to_hex(const git_oid& oid) {
  char buffer[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buffer, sizeof buffer, &oid);
  return buffer;
}

Repository open_repository(const std::string& path) {
  git_repository* repo = nullptr;
  check(git_repository_open_ext(&repo, path.c_str(), 0, nullptr),
        "cannot open repository '" + path + "'");
  return Repository(repo);
}

std::optional<git_oid> resolve_commit(git_repository* repo, const std::string& revision) {
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, repo, revision.c_str()) < 0) return std::nullopt;
  Object object(raw);
  git_object* peeled_raw = nullptr;
  if (git_object_peel(&peeled_raw, object.get(), GIT_OBJECT_COMMIT) < 0) return std::nullopt;
  Object peeled(peeled_raw);
  return *git_object_id(peeled.get());
}

Commit lookup_commit(git_repository* repo, const git_oid& oid) {
  git_commit* commit = nullptr;
  check(git_commit_lookup(&commit, repo, &oid), "cannot read commit " + to_hex(oid));
  return Commit(commit);
}

Tree commit_tree(git_commit* commit) {
  git_tree* tree = nullptr;
  check(git_commit_tree(&tree, commit),
        "cannot read tree of commit " + to_hex(*git_commit_id(commit)));
  return Tree(tree);
}

}  // namespace gate::git
