#include "gate/engine/changeset_builder.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "gate/engine/changed_paths.hpp"
#include "gate/engine/git.hpp"
#include "gate/engine/inserted_lines.hpp"
#include "gate/types/parallel.hpp"
#include "gate/engine/renames.hpp"
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

uint64_t object_size(git_odb* odb, const git_oid& id) {
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  git::check(git_odb_read_header(&size, &type, odb, &id),
             "cannot read object header " + git::to_hex(id));
  return size;
}

uint64_t object_size(git_odb* odb, const std::string& hex) {
  git_oid oid;
  if (hex.empty() || git_oid_fromstr(&oid, hex.c_str()) < 0) return 0;
  return object_size(odb, oid);
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

git::Blob lookup_blob(git_repository* repo, const git_oid& id) {
  git_blob* blob = nullptr;
  git::check(git_blob_lookup(&blob, repo, &id), "cannot read blob " + git::to_hex(id));
  return git::Blob(blob);
}

git::Blob lookup_blob(git_repository* repo, const std::string& hex) {
  if (hex.empty()) return nullptr;
  git_oid oid;
  git::check(git_oid_fromstr(&oid, hex.c_str()), "bad blob id");
  return lookup_blob(repo, oid);
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

// One repository handle (and object database) a worker thread: libgit2 objects are not shared
// between threads. Worker 0 is the calling thread and uses the caller's repository; the others
// open theirs on first use, each in its own slot.
class WorkerRepositories {
 public:
  WorkerRepositories(git_repository* repo, unsigned count)
      : git_dir_(git_repository_path(repo)), slots_(std::max(count, 1u)) {
    slots_[0].borrowed = repo;
  }
  unsigned count() const { return static_cast<unsigned>(slots_.size()); }
  git_repository* repository(unsigned worker) {
    Slot& slot = slots_[worker];
    if (!slot.borrowed) {
      slot.owned = git::open_repository(git_dir_);
      slot.borrowed = slot.owned.get();
    }
    return slot.borrowed;
  }
  git_odb* odb(unsigned worker) {
    Slot& slot = slots_[worker];
    if (!slot.odb) {
      git_odb* raw = nullptr;
      git::check(git_repository_odb(&raw, repository(worker)), "cannot open the object database");
      slot.odb.reset(raw);
    }
    return slot.odb.get();
  }

 private:
  struct Slot {
    git::Repository owned;
    git_repository* borrowed = nullptr;
    git::Odb odb;
  };
  std::string git_dir_;
  std::vector<Slot> slots_;
};

// Rename detection reads sizes on the calling thread and signatures on all workers.
class RepositoryRenameContent : public RenameContent {
 public:
  explicit RepositoryRenameContent(WorkerRepositories& workers) : workers_(workers) {}
  uint64_t size(const git_oid& id) override { return object_size(workers_.odb(0), id); }
  std::vector<SpanSignature> signatures(const std::vector<git_oid>& ids) override {
    std::vector<SpanSignature> out(ids.size());
    parallel_for(ids.size(), workers_.count(), [&](unsigned worker, size_t i) {
      git::Blob blob = lookup_blob(workers_.repository(worker), ids[i]);
      out[i] = span_signature(content_of(blob));
    });
    return out;
  }

 private:
  WorkerRepositories& workers_;
};

// git's rename limit: the option, else the repository's diff.renameLimit, else git's default.
int rename_limit(git_repository* repo, const ChangeSetOptions& options) {
  if (options.rename_limit) return *options.rename_limit;
  git_config* raw = nullptr;
  git::check(git_repository_config_snapshot(&raw, repo), "cannot read the git configuration");
  git::Handle<git_config, git_config_free> config(raw);
  int32_t value = 0;
  int found = git_config_get_int32(&value, config.get(), "diff.renameLimit");
  if (found == GIT_ENOTFOUND) return kDefaultRenameLimit;
  if (found < 0) {
    const git_error* error = git_error_last();
    throw InputError(
        "the git configuration diff.renameLimit is not a number" +
            std::string(error && error->message ? ": " + std::string(error->message) : ""),
        "set it to a number of files, e.g. `git config diff.renameLimit 1000`");
  }
  return value;
}

FileChange file_of(const TreeDelta& delta) {
  FileChange file;
  file.path = delta.path;
  file.old_kind = delta.old_mode ? kind_of(delta.old_mode) : EntryKind::none;
  file.new_kind = delta.new_mode ? kind_of(delta.new_mode) : EntryKind::none;
  if (delta.old_mode) file.old_blob = git::to_hex(delta.old_id);
  if (delta.new_mode) file.new_blob = git::to_hex(delta.new_id);
  file.status = !delta.old_mode                                 ? ChangeStatus::added
                : !delta.new_mode                               ? ChangeStatus::deleted
                : ((delta.old_mode ^ delta.new_mode) & 0170000) ? ChangeStatus::type_changed
                                                                : ChangeStatus::modified;
  return file;
}

// The deltas as file changes, a deletion and an addition that git -M pairs becoming one rename.
std::vector<FileChange> pair_renames(const std::vector<TreeDelta>& deltas,
                                     const ChangeSetOptions& options, WorkerRepositories& workers,
                                     size_t& rename_limit_needed) {
  std::vector<FileChange> files;
  files.reserve(deltas.size());
  std::vector<RenameCandidate> sources;
  std::vector<RenameCandidate> destinations;
  std::vector<size_t> source_file;
  std::vector<size_t> destination_file;
  for (const TreeDelta& delta : deltas) {
    files.push_back(file_of(delta));
    if (!delta.new_mode) {
      sources.push_back({delta.path, delta.old_mode, delta.old_id});
      source_file.push_back(files.size() - 1);
    } else if (!delta.old_mode) {
      destinations.push_back({delta.path, delta.new_mode, delta.new_id});
      destination_file.push_back(files.size() - 1);
    }
  }
  if (sources.empty() || destinations.empty()) return files;
  RenameOptions rename_options;
  rename_options.limit = rename_limit(workers.repository(0), options);
  rename_options.max_content_bytes = options.max_diff_bytes;
  rename_options.threads = workers.count();
  RepositoryRenameContent content(workers);
  RenameResult renames = find_renames(sources, destinations, rename_options, content);
  std::vector<bool> gone(files.size(), false);
  for (const RenamePair& pair : renames.pairs) {
    FileChange& source = files[source_file[pair.source]];
    FileChange& renamed = files[destination_file[pair.destination]];
    renamed.status = ChangeStatus::renamed;
    renamed.old_path = source.path;
    renamed.old_kind = source.old_kind;
    renamed.old_blob = source.old_blob;
    renamed.similarity = pair.similarity;
    gone[source_file[pair.source]] = true;
  }
  std::vector<FileChange> kept;
  kept.reserve(files.size() - renames.pairs.size());
  for (size_t i = 0; i < files.size(); ++i) {
    if (!gone[i]) kept.push_back(std::move(files[i]));
  }
  rename_limit_needed = renames.limit_needed;
  if (rename_limit_needed) {
    spdlog::warn(
        "exhaustive rename detection was skipped due to too many files: only unchanged and "
        "same-name renames were found; set diff.renameLimit to at least {} to search them all",
        rename_limit_needed);
  }
  return kept;
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

  // Reading only the subtrees whose ids differ keeps the cost with the size of the change, so a
  // change of 5,000 files in a 100,000-file tree reads a few hundred trees instead of all.
  std::vector<TreeDelta> deltas = changed_paths(repo, old_tree.get(), new_tree.get());
  WorkerRepositories workers(repo, worker_count(options.threads, deltas.size() / 16));
  change.files = pair_renames(deltas, options, workers, change.rename_limit_needed);
  size_t count = change.files.size();

  // Line diffs are the expensive part: spread them over threads, each with its own repository
  // handle (libgit2 objects are not shared between threads). Results land by index, so the
  // outcome does not depend on scheduling.
  parallel_for(count, workers.count(), [&](unsigned worker, size_t i) {
    FileChange& file = change.files[i];
    // Sizes come from object headers, so a huge blob is sized without being read.
    git_odb* odb = workers.odb(worker);
    if (is_regular(file.old_kind)) file.old_size = object_size(odb, file.old_blob);
    if (is_regular(file.new_kind)) file.new_size = object_size(odb, file.new_blob);
    collect_added_lines(workers.repository(worker), file, options);
  });

  std::sort(change.files.begin(), change.files.end(),
            [](const FileChange& a, const FileChange& b) { return a.path < b.path; });
  change.commits = read_commits(repo, merge_base, head);
  return change;
}

}  // namespace gate
