#include "attest/git_notes.hpp"

#include <filesystem>
#include <memory>
#include <stdexcept>

#include "gate/types/errors.hpp"
#include "gate/types/handle.hpp"

namespace gate::attest {

namespace {
using Signature = Handle<git_signature, git_signature_free>;
using Note = Handle<git_note, git_note_free>;

void check(int code, const std::string& what) {
  if (code >= 0) return;
  const git_error* error = git_error_last();
  throw std::runtime_error(what + ": " +
                           (error && error->message ? error->message : "libgit2 error"));
}

git_oid parse_commit(const std::string& commit) {
  git_oid oid;
  if (git_oid_fromstr(&oid, commit.c_str()) < 0) {
    throw InputError("not a full commit id: " + commit, "pass the 40-hex commit id");
  }
  return oid;
}

Signature note_author(git_repository* repo) {
  git_signature* signature = nullptr;
  // The repository's configured identity when it has one; Gate's own otherwise (CI runners
  // often have no user.name).
  if (git_signature_default(&signature, repo) < 0) {
    git_error_clear();
    check(git_signature_now(&signature, "gate", "gate@localhost"), "making the note author");
  }
  return Signature(signature);
}
}  // namespace

void write_note(git_repository* repo, const std::string& commit, const std::string& envelope) {
  git_oid target = parse_commit(commit);
  Signature author = note_author(repo);
  git_oid note_id;
  check(git_note_create(&note_id, repo, kNotesRef, author.get(), author.get(), &target,
                        envelope.c_str(), /*force=*/1),
        "writing the attestation note");
}

void check_notes_ref_unlocked(git_repository* repo) {
  std::filesystem::path lock =
      std::filesystem::path(git_repository_commondir(repo)) / (std::string(kNotesRef) + ".lock");
  std::error_code error;
  if (std::filesystem::exists(lock, error)) {
    throw InputError(lock.string(), 0, 0,
                     "is locked by another git process; the attestation note cannot be written",
                     "wait for that process to finish, or remove the stale lock file");
  }
}

std::optional<std::string> read_note(git_repository* repo, const std::string& commit) {
  git_oid target = parse_commit(commit);
  git_note* raw = nullptr;
  int code = git_note_read(&raw, repo, kNotesRef, &target);
  if (code == GIT_ENOTFOUND) {
    git_error_clear();
    return std::nullopt;
  }
  check(code, "reading the attestation note");
  Note note(raw);
  return std::string(git_note_message(note.get()));
}

}  // namespace gate::attest
