#pragma once

#include <git2.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "gate/types/decision.hpp"

namespace CLI {
class App;
}

namespace gate {

// A decision signed in memory: the DSSE envelope bytes and their SHA-256.
struct SignedDecision {
  std::string commit;  // the statement's subject: the head commit
  std::string envelope;
  std::string sha256;
};

// The signing and logging sinks of `gate check`: options, keys, the signature, and the three
// places a signed decision goes (the audit log, the attestation file, the git note), written in
// that order by commit() after prepare() has checked every one of them.
class AttestStage {
 public:
  AttestStage();
  ~AttestStage();
  AttestStage(const AttestStage&) = delete;
  AttestStage& operator=(const AttestStage&) = delete;

  // Adds --sign-key, --attestation, --notes, --log, --log-key, --log-pub, --log-state to `gate
  // check`. The stage signs when a key is given (--sign-key or GATE_SIGNING_KEY) and then also
  // appends to the audit log (--log, else $GATE_LOG, else <git dir>/gate/audit.db of --repo) when
  // an Ed25519 log key is at hand, or to a `gate log serve` when --log is its URL (checked against
  // the pinned --log-pub key; docs/audit-service.md).
  void add_options(CLI::App& check);
  // Gather: loads and validates keys and resolves the log path for the repository at
  // `repository`. Throws InputError (exit 2) before anything is read or written.
  void load_keys(const std::string& repository = ".");
  // Sign (in memory); nullopt without a signing key.
  std::optional<SignedDecision> sign(const Decision& decision, int64_t now) const;
  // Prepare: stages the attestation file with its bytes, checks that the notes ref can be
  // updated, opens the log and checks that it takes the log key (a remote log: that it answers
  // and its latest checkpoint is signed by the pinned key and extends the kept one). Throws
  // InputError (exit 2) leaving nothing visible. `repo` is needed with --notes.
  void prepare(const SignedDecision& signed_decision, git_repository* repo);
  // Commit, step 1: appends to the log (when there is one). Returns where the decision is kept,
  // for the reports.
  AttestationRef append_to_log();
  // Commit, step 2: the attestation file into place, then the git note.
  void publish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace gate
