#include "gate/engine/changeset_builder.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>

#include "gate/engine/changed_paths.hpp"
#include "gate/engine/git.hpp"
#include "gate/engine/inserted_lines.hpp"
#include "gate/types/errors.hpp"

namespace gate {

namespace {

EntryKind kind_of(uint16_t mode) {
  switch (mode) {
    case GIT_FILEMODE_BLOB:
      return EntryKind::file;
    case GIT_FILEMODE_BLOB_EXECUTABLE:
      return EntryKind::executable;
    case GIT_FILEMODE_LINK:
      return EntryKind::symlink;
    case GIT_FILEMODE_COMMIT:
      return EntryKind::submodule;
    default:
      return EntryKind::none;
  }
}

bool is_regular(EntryKind kind) { return kind == EntryKind::file || kind == EntryKind::executable; }

ChangeStatus status_of(git_delta_t status) {
  switch (status) {
    case GIT_DELTA_ADDED:
      return ChangeStatus::added;
    case GIT_DELTA_DELETED:
      return ChangeStatus::deleted;
    case GIT_DELTA_RENAMED:
      return ChangeStatus::renamed;
    case GIT_DELTA_COPIED:
      return ChangeStatus::copied;
    case GIT_DELTA_TYPECHANGE:
      return ChangeStatus::type_changed;
    default:
      return ChangeStatus::modified;
  }
}

uint64_t object_size(git_odb* odb, const std::string& hex) {
  git_oid oid;
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (hex.empty() || git_oid_fromstr(&oid, hex.c_str()) < 0) return 0;
  git::check(git_odb_read_header(&size, &type, odb, &oid), "cannot read object header " + hex);
  return size;
}

std::string message_of(git_commit* commit) {
  const char* raw = git_commit_message_raw(commit);
  return raw ? raw : "";
}

Commit read_commit(git_commit* commit) {
  Commit out;
  out.id = git::to_hex(*git_commit_id(commit));
  const git_signature* author = git_commit_author(commit);
  const git_signature* committer = git_commit_committer(commit);
  out.author_name = author->name ? author->name : "";
  out.author_email = author->email ? author->email : "";
  out.author_time = author->when.time;
  out.committer_name = committer->name ? committer->name : "";
  out.committer_email = committer->email ? committer->email : "";
  out.committer_time = committer->when.time;
  out.message = message_of(commit);
  out.summary = out.message.substr(0, out.message.find('\n'));
  out.parent_count = git_commit_parentcount(commit);
  git_message_trailer_array trailers{};
  if (git_message_trailers(&trailers, out.message.c_str()) == 0) {
    for (size_t i = 0; i < trailers.count; ++i) {
      out.trailers.push_back({trailers.trailers[i].key, trailers.trailers[i].value});
    }
    git_message_trailer_array_free(&trailers);
  }
  return out;
}

std::vector<Commit> read_commits(git_repository* repo, const git_oid& merge_base,
                                 const git_oid& head) {
  git_revwalk* raw = nullptr;
  git::check(git_revwalk_new(&raw, repo), "cannot walk commits");
  git::RevWalk walk(raw);
  git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  git::check(git_revwalk_push(walk.get(), &head), "cannot walk from head");
  git::check(git_revwalk_hide(walk.get(), &merge_base), "cannot hide the merge base");
  std::vector<Commit> commits;
  git_oid oid;
  while (git_revwalk_next(&oid, walk.get()) == 0) {
    git::Commit commit = git::lookup_commit(repo, oid);
    commits.push_back(read_commit(commit.get()));
  }
  return commits;
}

int collect_line(const git_diff_delta*, const git_diff_hunk*, const git_diff_line* line,
                 void* payload) {
  if (line->origin != GIT_DIFF_LINE_ADDITION) return 0;
  static_cast<FileChange*>(payload)->added_lines.push_back(
      {static_cast<uint32_t>(line->new_lineno),
       without_line_end({line->content, line->content_len})});
  return 0;
}

std::string_view content_of(const git::Blob& blob) {
  if (!blob) return {};
  return {static_cast<const char*>(git_blob_rawcontent(blob.get())),
          static_cast<size_t>(git_blob_rawsize(blob.get()))};
}

git::Blob lookup_blob(git_repository* repo, const std::string& hex) {
  if (hex.empty()) return nullptr;
  git_oid oid;
  git::check(git_oid_fromstr(&oid, hex.c_str()), "bad blob id");
  git_blob* blob = nullptr;
  git::check(git_blob_lookup(&blob, repo, &oid), "cannot read blob " + hex);
  return git::Blob(blob);
}

// Fills binary and added_lines of one text-diffable file, with a repository of its own thread.
void collect_added_lines(git_repository* repo, FileChange& file, const ChangeSetOptions& options) {
  if (!is_regular(file.new_kind) || file.deleted()) return;
  if (file.new_size > options.max_diff_bytes || file.old_size > options.max_diff_bytes) {
    file.too_large_for_lines = true;
    return;
  }
  git::Blob old_blob = is_regular(file.old_kind) ? lookup_blob(repo, file.old_blob) : nullptr;
  git::Blob new_blob = lookup_blob(repo, file.new_blob);
  std::string_view old_text = content_of(old_blob);
  std::string_view new_text = content_of(new_blob);
  // Binary as a diff decides it (a NUL near the start of either side) or as git decides it for
  // the new content.
  file.binary = has_nul_prefix(old_text) || has_nul_prefix(new_text) ||
                git_blob_is_binary(new_blob.get()) == 1;
  if (file.binary) return;
  // Added files and inserted blocks, most of what a change adds, need no diff.
  if (inserted_lines(old_text, new_text, file.added_lines)) return;
  git_diff_options diff_options = GIT_DIFF_OPTIONS_INIT;
  diff_options.context_lines = 0;
  diff_options.interhunk_lines = 0;
  // Diffing the raw buffers rather than the blobs keeps libgit2 from looking up .gitattributes
  // for every file (two stats and four readlinks each), which cost more than the diff itself.
  git::check(
      git_diff_buffers(old_text.data(), old_text.size(), nullptr, new_text.data(), new_text.size(),
                       nullptr, &diff_options, nullptr, nullptr, nullptr, collect_line, &file),
      "cannot diff '" + file.path + "'");
}

}  // namespace

ChangeSet build_changeset(git_repository* repo, const git_oid& base, const git_oid& head,
                          const ChangeSetOptions& options) {
  ChangeSet change;
  change.base = git::to_hex(base);
  change.head = git::to_hex(head);
  git_oid merge_base;
  int found = git_merge_base(&merge_base, repo, &base, &head);
  if (found == GIT_ENOTFOUND) {
    if (git_repository_is_shallow(repo) == 1) {
      throw InputError("the base " + change.base.substr(0, 12) + " and head " +
                           change.head.substr(0, 12) +
                           " have no common ancestor in this shallow clone, so the change "
                           "cannot be computed",
                       "fetch the full history: `fetch-depth: 0` on actions/checkout (GitHub), "
                       "`GIT_DEPTH: 0` (GitLab), or `git fetch --unshallow` locally");
    }
    throw InputError("the base " + change.base.substr(0, 12) + " and head " +
                         change.head.substr(0, 12) + " share no history",
                     "pass a --base that the head branch was started from");
  }
  git::check(found, "cannot find the merge base");
  change.merge_base = git::to_hex(merge_base);

  git::Commit old_commit = git::lookup_commit(repo, merge_base);
  git::Commit new_commit = git::lookup_commit(repo, head);
  git::Tree old_tree = git::commit_tree(old_commit.get());
  git::Tree new_tree = git::commit_tree(new_commit.get());

  // libgit2 expands every subtree of both sides; naming the changed paths up front lets it skip
  // the unchanged ones, so a change of 5,000 files in a 100,000-file tree reads a few hundred
  // trees instead of all of them. Rename and copy detection see the same deltas either way.
  std::vector<std::string> paths = changed_paths(repo, old_tree.get(), new_tree.get());
  if (paths.empty()) {
    change.commits = read_commits(repo, merge_base, head);
    return change;
  }
  std::vector<char*> path_list;
  path_list.reserve(paths.size());
  for (auto& path : paths) path_list.push_back(path.data());
  git_diff_options diff_options = GIT_DIFF_OPTIONS_INIT;
  diff_options.flags =
      GIT_DIFF_INCLUDE_TYPECHANGE | GIT_DIFF_SKIP_BINARY_CHECK | GIT_DIFF_DISABLE_PATHSPEC_MATCH;
  diff_options.pathspec = {path_list.data(), path_list.size()};
  git_diff* raw_diff = nullptr;
  git::check(git_diff_tree_to_tree(&raw_diff, repo, old_tree.get(), new_tree.get(), &diff_options),
             "cannot compare the trees");
  git::Diff diff(raw_diff);
  git_diff_find_options find_options = GIT_DIFF_FIND_OPTIONS_INIT;
  find_options.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_COPIES;
  git::check(git_diff_find_similar(diff.get(), &find_options), "cannot detect renames");

  size_t count = git_diff_num_deltas(diff.get());
  change.files.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
    FileChange& file = change.files[i];
    file.status = status_of(delta->status);
    bool deleted = delta->status == GIT_DELTA_DELETED;
    file.path = deleted ? delta->old_file.path : delta->new_file.path;
    if (delta->old_file.path && std::string_view(delta->old_file.path) != file.path) {
      file.old_path = delta->old_file.path;
    }
    file.old_kind =
        delta->status == GIT_DELTA_ADDED ? EntryKind::none : kind_of(delta->old_file.mode);
    file.new_kind = deleted ? EntryKind::none : kind_of(delta->new_file.mode);
    if (!git_oid_is_zero(&delta->old_file.id)) file.old_blob = git::to_hex(delta->old_file.id);
    if (!git_oid_is_zero(&delta->new_file.id)) file.new_blob = git::to_hex(delta->new_file.id);
    file.similarity = delta->similarity;
  }

  // Line diffs are the expensive part: spread them over threads, each with its own repository
  // handle (libgit2 objects are not shared between threads). Results land by index, so the
  // outcome does not depend on scheduling.
  const char* git_dir = git_repository_path(repo);
  unsigned threads =
      options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(1, count / 16)));
  std::atomic<size_t> next{0};
  std::vector<std::exception_ptr> errors(threads);
  auto worker = [&](unsigned index, git_repository* own) {
    try {
      git::Repository opened;
      if (!own) {
        opened = git::open_repository(git_dir);
        own = opened.get();
      }
      git_odb* raw_odb = nullptr;
      git::check(git_repository_odb(&raw_odb, own), "cannot open the object database");
      git::Odb odb(raw_odb);
      for (size_t i = next++; i < count; i = next++) {
        FileChange& file = change.files[i];
        // Sizes come from object headers, so a huge blob is sized without being read.
        if (is_regular(file.old_kind)) file.old_size = object_size(odb.get(), file.old_blob);
        if (is_regular(file.new_kind)) file.new_size = object_size(odb.get(), file.new_blob);
        collect_added_lines(own, file, options);
      }
    } catch (...) {
      errors[index] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker, t, nullptr);
  worker(0, repo);
  for (auto& thread : pool) thread.join();
  for (auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }

  std::sort(change.files.begin(), change.files.end(),
            [](const FileChange& a, const FileChange& b) { return a.path < b.path; });
  change.commits = read_commits(repo, merge_base, head);
  return change;
}

}  // namespace gate
