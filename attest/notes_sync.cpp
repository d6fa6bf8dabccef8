#include "attest/notes_sync.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "attest/dsse.hpp"
#include "attest/git_notes.hpp"
#include "attest/logged_note.hpp"
#include "attest/statement.hpp"
#include "gate/types/errors.hpp"
#include "gate/types/handle.hpp"

extern char** environ;

namespace gate::attest {

namespace {

using Commit = Handle<git_commit, git_commit_free>;
using Tree = Handle<git_tree, git_tree_free>;
using Blob = Handle<git_blob, git_blob_free>;
using NoteIterator = Handle<git_note_iterator, git_note_iterator_free>;
using Reference = Handle<git_reference, git_reference_free>;
using Signature = Handle<git_signature, git_signature_free>;

constexpr const char* kFetchedRef = "refs/gate/notes-fetched";

void check(int code, const std::string& what) {
  if (code >= 0) return;
  const git_error* error = git_error_last();
  throw std::runtime_error(what + ": " +
                           (error && error->message ? error->message : "libgit2 error"));
}

std::string oid_text(const git_oid& oid) {
  char text[GIT_OID_HEXSZ + 1];
  git_oid_tostr(text, sizeof text, &oid);
  return text;
}

Commit lookup_commit(git_repository* repo, const git_oid& oid) {
  git_commit* raw = nullptr;
  check(git_commit_lookup(&raw, repo, &oid), "reading notes commit " + oid_text(oid));
  return Commit(raw);
}

struct NoteRow {
  git_oid annotated;
  std::string text;
};

std::vector<NoteRow> read_notes(git_repository* repo, git_commit* notes_commit) {
  git_note_iterator* raw = nullptr;
  int code = git_note_commit_iterator_new(&raw, notes_commit);
  if (code == GIT_ENOTFOUND) {
    git_error_clear();
    return {};
  }
  check(code, "listing notes");
  NoteIterator iterator(raw);
  std::vector<NoteRow> rows;
  git_oid note_id;
  git_oid annotated;
  while ((code = git_note_next(&note_id, &annotated, iterator.get())) == 0) {
    git_blob* blob = nullptr;
    check(git_blob_lookup(&blob, repo, &note_id), "reading a note");
    Blob owned(blob);
    rows.push_back({annotated, std::string(static_cast<const char*>(git_blob_rawcontent(blob)),
                                           static_cast<size_t>(git_blob_rawsize(blob)))});
  }
  if (code != GIT_ITEROVER) check(code, "listing notes");
  git_error_clear();
  return rows;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string union_of(const std::string& theirs, const std::string& ours) {
  std::vector<std::string> lines = lines_of(theirs);
  for (const auto& line : lines_of(ours)) {
    if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(line);
  }
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

Signature notes_author(git_repository* repo) {
  git_signature* signature = nullptr;
  if (git_signature_default(&signature, repo) < 0) {
    git_error_clear();
    check(git_signature_now(&signature, "gate", "gate@localhost"), "making the notes author");
  }
  return Signature(signature);
}

std::optional<git_oid> ref_target(git_repository* repo, const char* name) {
  git_oid oid;
  int code = git_reference_name_to_id(&oid, repo, name);
  if (code == GIT_ENOTFOUND) {
    git_error_clear();
    return std::nullopt;
  }
  check(code, std::string("reading ") + name);
  return oid;
}

struct GitRun {
  int status = -1;
  std::string output;  // stdout and stderr together
};

// `git --git-dir=DIR args…` with prompts off (a CI job has no terminal to answer them).
GitRun run_git(const std::string& git_dir, const std::vector<std::string>& args) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  std::vector<std::string> argv_text = {"git", "--git-dir=" + git_dir};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text;
  for (char** entry = environ; *entry; ++entry) {
    if (std::string_view(*entry).rfind("GIT_TERMINAL_PROMPT=", 0) != 0)
      env_text.emplace_back(*entry);
  }
  env_text.emplace_back("GIT_TERMINAL_PROMPT=0");
  std::vector<char*> envp;
  for (auto& entry : env_text) envp.push_back(entry.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  int spawned = posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  GitRun run;
  if (spawned != 0) {
    close(fds[0]);
    throw InputError("cannot run git: " + std::string(std::strerror(spawned)),
                     "install git (gate notes push uses it to reach the remote)");
  }
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (run.output.size() < (1 << 16)) run.output.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

std::string last_line(const std::string& text) {
  auto lines = lines_of(text);
  return lines.empty() ? std::string("no message") : lines.back();
}

}  // namespace

std::optional<git_oid> merge_notes(git_repository* repo, const std::optional<git_oid>& ours,
                                   const std::optional<git_oid>& theirs) {
  if (!theirs) return ours;
  if (!ours || git_oid_equal(&*ours, &*theirs)) return theirs;
  // One side already holds the other: nothing to merge.
  if (git_graph_descendant_of(repo, &*ours, &*theirs) == 1) return ours;
  if (git_graph_descendant_of(repo, &*theirs, &*ours) == 1) return theirs;
  git_error_clear();

  Commit their_commit = lookup_commit(repo, *theirs);
  Commit our_commit = lookup_commit(repo, *ours);
  std::map<std::string, std::string> their_notes;
  for (auto& row : read_notes(repo, their_commit.get())) {
    their_notes.emplace(oid_text(row.annotated), std::move(row.text));
  }
  Signature author = notes_author(repo);
  Commit current = lookup_commit(repo, *theirs);
  bool changed = false;
  for (const auto& row : read_notes(repo, our_commit.get())) {
    auto found = their_notes.find(oid_text(row.annotated));
    std::string merged = found == their_notes.end() ? row.text : union_of(found->second, row.text);
    if (found != their_notes.end() && merged == found->second) continue;
    git_oid next;
    check(git_note_commit_create(&next, nullptr, repo, current.get(), author.get(), author.get(),
                                 &row.annotated, merged.c_str(), /*allow_note_overwrite=*/1),
          "merging a note");
    current = lookup_commit(repo, next);
    changed = true;
  }
  if (!changed) return theirs;
  git_tree* tree = nullptr;
  check(git_commit_tree(&tree, current.get()), "reading the merged notes tree");
  Tree owned_tree(tree);
  const git_commit* parents[] = {their_commit.get(), our_commit.get()};
  git_oid merged;
  check(git_commit_create(&merged, repo, nullptr, author.get(), author.get(), nullptr,
                          "Merge Gate attestations", tree, 2, parents),
        "writing the notes merge");
  return merged;
}

NotesPushResult push_notes(git_repository* repo, const NotesPushOptions& options) {
  const std::string git_dir = git_repository_path(repo);
  std::mt19937 random(std::random_device{}());
  auto wait = options.wait ? options.wait : [&random](int attempt) {
    // 0.2 s, 0.4 s, 0.8 s … capped at 5 s, each with up to half again of jitter: runners that
    // collided once do not collide in step again.
    int base = std::min(5000, 200 << std::min(attempt, 5));
    std::uniform_int_distribution<int> jitter(0, base / 2);
    std::this_thread::sleep_for(std::chrono::milliseconds(base + jitter(random)));
  };
  NotesPushResult result;
  std::string last_error;
  for (int attempt = 1; attempt <= std::max(1, options.attempts); ++attempt) {
    result.attempts = attempt;
    git_reference_remove(repo, kFetchedRef);
    git_error_clear();
    GitRun fetch =
        run_git(git_dir, {"fetch", "--quiet", "--no-tags", "--no-write-fetch-head", options.remote,
                          std::string("+") + kNotesRef + ":" + kFetchedRef});
    bool remote_has_none =
        fetch.status != 0 && fetch.output.find("couldn't find remote ref") != std::string::npos;
    if (fetch.status != 0 && !remote_has_none) {
      last_error = "fetch: " + last_line(fetch.output);
      if (attempt < options.attempts) wait(attempt);
      continue;
    }
    std::optional<git_oid> theirs = remote_has_none ? std::nullopt : ref_target(repo, kFetchedRef);
    std::optional<git_oid> ours = ref_target(repo, kNotesRef);
    std::optional<git_oid> merged = merge_notes(repo, ours, theirs);
    if (!merged) return result;  // no notes on either side
    result.merged = result.merged || (theirs && (!ours || !git_oid_equal(&*merged, &*ours)));
    if (!ours || !git_oid_equal(&*merged, &*ours)) {
      git_reference* raw = nullptr;
      int code = ours ? git_reference_create_matching(&raw, repo, kNotesRef, &*merged, 1, &*ours,
                                                      "gate notes push: merge")
                      : git_reference_create(&raw, repo, kNotesRef, &*merged, 0,
                                             "gate notes push: from the remote");
      check(code, "updating refs/notes/gate");
      Reference owned(raw);
    }
    GitRun push = run_git(git_dir, {"push", "--quiet", "--porcelain", options.remote,
                                    std::string(kNotesRef) + ":" + kNotesRef});
    if (push.status == 0) {
      Commit tip = lookup_commit(repo, *merged);
      result.notes = read_notes(repo, tip.get()).size();
      git_reference_remove(repo, kFetchedRef);
      git_error_clear();
      return result;
    }
    last_error = "push: " + last_line(push.output);
    if (attempt < options.attempts) wait(attempt);
  }
  throw InputError("cannot push refs/notes/gate to " + options.remote + " after " +
                       std::to_string(result.attempts) + " attempts (" + last_error + ")",
                   "check that the job may push (GitHub: `permissions: contents: write`; "
                   "GitLab: a token with write_repository) and that the remote is reachable");
}

std::string latest_attestation(const std::string& note) {
  std::vector<std::string> lines = lines_of(note);
  if (lines.size() <= 1) return note;
  std::string best;
  std::tuple<int, uint64_t, int64_t> best_rank{-1, 0, 0};
  for (const auto& line : lines) {
    try {
      LoggedNote parsed = parse_logged_note(line, kNotesRef);
      DecisionSummary summary =
          summarize_decision(parse_envelope(parsed.envelope, kNotesRef), kNotesRef);
      std::tuple<int, uint64_t, int64_t> rank{
          parsed.inclusion ? 1 : 0, parsed.inclusion ? parsed.inclusion->index : 0, summary.time};
      if (best.empty() || rank > best_rank) {
        best = line;
        best_rank = rank;
      }
    } catch (const InputError&) {
      // Not an attestation Gate can read: another tool's line, skipped.
    }
  }
  return best.empty() ? lines.back() : best;
}

}  // namespace gate::attest
