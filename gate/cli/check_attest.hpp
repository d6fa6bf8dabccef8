#pragma once

#include <git2.h>

#include <cstdint>
#include <memory>

#include "gate/report/report.hpp"

namespace CLI {
class App;
}

namespace gate {

// The signing and logging stage of `gate check`: its own options, key loading before anything
// is written, and the signed record of the decision afterwards.
class AttestStage {
 public:
  AttestStage();
  ~AttestStage();
  AttestStage(const AttestStage&) = delete;
  AttestStage& operator=(const AttestStage&) = delete;

  // Adds --sign-key, --attestation, --notes, --log, --log-key to `gate check`.
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
