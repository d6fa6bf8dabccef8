#include "attest/log_import.hpp"

#include "attest/checkpoint.hpp"
#include "gate/types/errors.hpp"

namespace gate::attest {

namespace {

[[noreturn]] void differ(LogStore& source, LogStore& target, const std::string& what) {
  throw InputError(target.path(), 0, 0,
                   "cannot import " + source.path() + " into " + target.path() + ": " + what,
                   "import into an empty log, or into one an earlier import of this source "
                   "left (it resumes)");
}

void check_same_identity(LogStore& source, LogStore& target, const PrivateKey& log_key) {
  auto source_key = source.log_public_key_pem();
  auto source_origin = source.origin();
  if (!source_key || !source_origin) differ(source, target, "the source log has no entries yet");
  if (*source_key != log_key.public_key().pem()) {
    throw InputError(source.path(), 0, 0,
                     "the log key " + log_key.key_id() + " is not the key of this log",
                     "pass --log-key the key that signs the source log's checkpoints");
  }
  if (auto origin = target.origin(); origin && *origin != *source_origin) {
    differ(source, target,
           "the target's origin is '" + *origin + "', the source's '" + *source_origin + "'");
  }
  if (auto key = target.log_public_key_pem(); key && *key != *source_key) {
    differ(source, target, "the target has another log key");
  }
}

}  // namespace

ImportResult import_log(LogStore& source, LogStore& target, const PrivateKey& log_key,
                        const ImportOptions& options) {
  LogStore::Snapshot snapshot = source.snapshot();
  check_same_identity(source, target, log_key);
  ImportResult result;
  const uint64_t total = source.size();
  result.skipped = target.size();
  if (result.skipped > total) {
    differ(source, target, "the target holds more entries than the source");
  }
  if (result.skipped > 0 && target.root(result.skipped) != source.root(result.skipped)) {
    differ(source, target,
           "the first " + std::to_string(result.skipped) + " entries differ (roots differ)");
  }
  LogIdentity identity{*source.origin(), source.shared_key_allowed()};

  std::vector<std::string> batch;
  uint64_t first = result.skipped;
  auto flush = [&] {
    if (batch.empty()) return;
    target.append_batch(batch, log_key, identity, [&](uint64_t at) {
      if (at != first) differ(source, target, "another writer appended to the target meanwhile");
      for (uint64_t seq = at; seq < at + batch.size(); ++seq) {
        if (auto who = source.identity(seq)) target.record_identity(seq, *who);
      }
    });
    first += batch.size();
    result.imported += batch.size();
    batch.clear();
    if (options.progress) options.progress(first, total);
  };
  source.for_each_entry([&](const LogEntry& entry) {
    if (entry.seq < result.skipped) return;
    if (entry.seq != first + batch.size()) differ(source, target, "the source skips a number");
    batch.push_back(entry.envelope);
    if (batch.size() >= std::max<size_t>(1, options.batch)) flush();
  });
  flush();

  // The proof: every checkpoint the source signed, signed again by the target, must come out
  // byte for byte the same, which holds only if the roots are equal at every size.
  std::vector<uint64_t> sizes;
  source.for_each_checkpoint([&](uint64_t size, const std::string&) {
    if (size <= total) sizes.push_back(size);
  });
  if (!sizes.empty()) target.add_checkpoints(sizes, log_key);
  for (uint64_t size : sizes) {
    auto mine = target.checkpoint(size);
    auto theirs = source.checkpoint(size);
    if (!mine || !theirs || *mine != *theirs) {
      differ(source, target, "the checkpoint for size " + std::to_string(size) + " differs");
    }
    ++result.checkpoints_compared;
  }
  result.size = target.size();
  if (result.size != total) differ(source, target, "the target's size is not the source's");
  if (total > 0) {
    result.root = target.root(total);
    if (result.root != source.root(total)) differ(source, target, "the final roots differ");
  }
  return result;
}

}  // namespace gate::attest
