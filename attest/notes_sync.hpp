#pragma once

#include <git2.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// Attestation notes that survive concurrent runners: refs/notes/gate is pushed with
// fetch-merge-retry, and the merge keeps both sides (as git's cat_sort_uniq strategy does, without
// the sort): a commit attested on both sides ends with both attestations, one JSON document per
// line, and readers take the latest (latest_attestation).
namespace gate::attest {

// The union of two notes commits (either may be absent): every annotated object's note, and for
// an object noted on both sides the lines of `theirs` followed by the lines of `ours` not in it.
// Returns the commit refs/notes/gate should point at: `theirs` itself when `ours` adds nothing,
// `ours` when there is no `theirs`, else a new commit with both as parents.
std::optional<git_oid> merge_notes(git_repository* repo, const std::optional<git_oid>& ours,
                                   const std::optional<git_oid>& theirs);

struct NotesPushOptions {
  std::string remote = "origin";  // a remote's name or URL, as `git push` takes it
  int attempts = 8;
  // Waits between attempts (backoff with jitter); tests pass a short one.
  std::function<void(int attempt)> wait;
};

struct NotesPushResult {
  int attempts = 0;
  uint64_t notes = 0;   // notes under refs/notes/gate after the push
  bool merged = false;  // the remote had notes this clone did not
};

// Fetches the remote's refs/notes/gate, merges it into the local one, and pushes (never forced),
// again while the push is refused because another runner pushed first. Runs `git` (the CLI, so
// the credentials CI set up for it apply). Throws InputError naming the remote and git's message
// when every attempt fails.
NotesPushResult push_notes(git_repository* repo, const NotesPushOptions& options);

// Of a note holding one attestation per line, the one that counts: the highest audit log entry
// number among logged notes, else the latest statement time; lines that parse as neither are
// skipped. A one-line note is returned as it is.
std::string latest_attestation(const std::string& note);

}  // namespace gate::attest
