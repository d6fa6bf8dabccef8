#pragma once

#include <git2.h>

#include <optional>
#include <string>

namespace gate::attest {

inline constexpr const char* kNotesRef = "refs/notes/gate";

// Stores `envelope` as the note of `commit` under refs/notes/gate, replacing an older note of the
// same commit (the ref's history keeps it), so attestations travel when that ref is pushed.
void write_note(git_repository* repo, const std::string& commit, const std::string& envelope);

// Throws InputError when refs/notes/gate cannot be updated now (another git process holds its
// lock), so a run can refuse before it writes anything.
void check_notes_ref_unlocked(git_repository* repo);

// The note of `commit` under refs/notes/gate, if any.
std::optional<std::string> read_note(git_repository* repo, const std::string& commit);

}  // namespace gate::attest
