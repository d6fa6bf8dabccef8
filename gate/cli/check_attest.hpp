#pragma once

#include <git2.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>

#include "gate/report/report.hpp"

namespace CLI {
class App;
}

namespace gate {

// The signing and logging stage of `gate check`: its own options, key loading before anything
// is written, and the signed record of the decision afterwards.
// The predicate of the decision statement (predicateType kDecisionPredicateType), `now` in
// seconds since the epoch.
nlohmann::json decision_predicate(const Report& report, int64_t now);

class AttestStage {
 public:
  AttestStage();
  ~AttestStage();
  AttestStage(const AttestStage&) = delete;
  AttestStage& operator=(const AttestStage&) = delete;

  // Adds --sign-key, --attestation, --notes, --log, --log-key to `gate check`. The stage signs
  // when a key is given (--sign-key or GATE_SIGNING_KEY) and then also appends to the audit log
  // (--log, else $GATE_LOG, else <git dir>/gate/audit.db) when an Ed25519 log key is at hand.
  void add_options(CLI::App& check);
  // Loads and validates keys and paths; throws InputError (exit 2) before anything is written.
  void prepare();
  // Signs the decision and writes the envelope where asked (file, git notes, audit log); sets
  // report.attestation_path and report.attestation_digest.
  void record(Report& report, git_repository* repo, int64_t now);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace gate
