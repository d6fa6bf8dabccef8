#pragma once

#include <optional>
#include <string>

// The checkpoint a client last accepted from a remote log, kept in a small file so the next run
// can demand a consistency proof from it (a rollback or a fork of the service's log then fails).
namespace gate::attest {

// Where the kept checkpoint of `origin` lives: `explicit_file` (--log-state, else
// $GATE_LOG_STATE) when given, else <git dir>/gate/remote-checkpoints/<origin, with every byte
// but [A-Za-z0-9._-] as '_'> of the repository at or above `repository`. Throws InputError when
// neither is at hand.
std::string kept_checkpoint_path(const std::string& explicit_file, const std::string& repository,
                                 const std::string& origin);

// The kept checkpoint note, or nullopt when there is none yet; throws InputError naming the file
// when it exists but cannot be read.
std::optional<std::string> read_kept_checkpoint(const std::string& path);

// Replaces the kept checkpoint atomically (temporary file, fsync, rename), creating the folder.
void keep_checkpoint(const std::string& path, const std::string& note);

}  // namespace gate::attest
