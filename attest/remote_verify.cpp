#include "attest/remote_verify.hpp"

#include "attest/remote_log.hpp"

namespace gate::attest {

ExportChecker::ExportChecker(ExportCheckOptions options) : options_(std::move(options)) {}

void ExportChecker::take(std::string_view line, const std::string& where) {
  uint64_t expected = tree_.size();
  if (closed_) {
    throw RemoteLogRefusal(where + ": a line follows the closing checkpoint", expected);
  }
  ExportLine parsed;
  try {
    parsed = parse_export_line(line, where);
  } catch (const InputError& e) {
    throw RemoteLogRefusal(e.message(), expected);
  }
  if (parsed.checkpoint) {
    checkpoint_ = std::move(*parsed.checkpoint);
    closed_ = true;
    return;
  }
  const RemoteEntry& entry = *parsed.entry;
  if (entry.entry.seq != expected) {
    throw RemoteLogRefusal(
        where + ": entry " + std::to_string(entry.entry.seq) + " comes where " +
            std::to_string(expected) +
            (entry.entry.seq > expected ? " is missing (deleted)" : " was expected (out of order)"),
        expected);
  }
  Hash leaf = merkle::leaf_hash(entry.entry.envelope);
  if (leaf != entry.leaf_hash) {
    throw RemoteLogRefusal(where + ": the leaf hash of entry " + std::to_string(expected) +
                               " is not SHA-256(0x00 || its envelope) (edited)",
                           expected);
  }
  if (options_.decisions) {
    Envelope envelope;
    DecisionSummary summary;
    try {
      envelope = parse_envelope(entry.entry.envelope, "entry " + std::to_string(expected));
      summary = summarize_decision(envelope, "entry " + std::to_string(expected));
    } catch (const InputError& e) {
      throw RemoteLogRefusal(e.message(), expected);
    }
    if (!options_.trusted.empty()) {
      EnvelopeCheck check = verify_envelope(envelope, options_.trusted);
      if (!check.ok) throw RemoteLogRefusal("envelope " + check.reason, expected);
    }
    if (options_.visit) options_.visit(entry, envelope, summary);
  }
  tree_.append(leaf);
}

std::optional<SignedCheckpoint> ExportChecker::finish(RemoteLog& log, const std::string& where) {
  uint64_t size = tree_.size();
  if (!closed_) {
    if (size == 0) return std::nullopt;
    throw RemoteLogRefusal(where + ": the export ends without its checkpoint (cut off)", size);
  }
  SignedCheckpoint checkpoint = log.accept_checkpoint(checkpoint_, where, RemoteLog::Age::latest);
  uint64_t signed_size = checkpoint.checkpoint.size;
  if (signed_size != size) {
    throw RemoteLogRefusal(where + ": the export holds " + std::to_string(size) +
                               " entries but its checkpoint signs " + std::to_string(signed_size),
                           std::min(size, signed_size));
  }
  if (tree_.root() != checkpoint.checkpoint.root) {
    throw RemoteLogRefusal(where + ": the entries do not hash to the root the checkpoint of size " +
                           std::to_string(size) + " signs");
  }
  return checkpoint;
}

}  // namespace gate::attest
