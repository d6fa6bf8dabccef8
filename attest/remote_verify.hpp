#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/checkpoint.hpp"
#include "attest/dsse.hpp"
#include "attest/keys.hpp"
#include "attest/merkle.hpp"
#include "attest/remote_answers.hpp"
#include "attest/statement.hpp"

// Checks the stream of GET /v1/export as it passes: entries in sequence from 0, each leaf hash
// recomputed from its envelope (and, for verification, each envelope a Gate decision signed by a
// trusted key), the whole tree rebuilt, and the closing checkpoint signing exactly that tree.
namespace gate::attest {

class RemoteLog;

struct ExportCheckOptions {
  // Parse each envelope as a Gate decision (verify); an export only hashes them.
  bool decisions = false;
  // Keys that may sign envelopes (with `decisions`); empty: signatures are not checked.
  std::vector<PublicKey> trusted;
  // Called with every entry that passed, in log order (with `decisions`).
  std::function<void(const RemoteEntry&, const Envelope&, const DecisionSummary&)> visit;
};

class ExportChecker {
 public:
  explicit ExportChecker(ExportCheckOptions options);

  // One line of the export; throws RemoteLogRefusal naming the entry when it does not hold.
  void take(std::string_view line, const std::string& where);
  // After the last line: the closing checkpoint covers exactly the entries taken and is accepted
  // by `log` (pinned key, consistent with the kept checkpoint). Returns it, or nullopt for an
  // empty log without one.
  std::optional<SignedCheckpoint> finish(RemoteLog& log, const std::string& where);

  const merkle::MemoryTree& tree() const { return tree_; }
  const std::string& checkpoint_note() const { return checkpoint_; }

 private:
  ExportCheckOptions options_;
  merkle::MemoryTree tree_;
  std::string checkpoint_;
  bool closed_ = false;  // the checkpoint line was seen
};

}  // namespace gate::attest
