#include "attest/log_verify.hpp"

#include <unordered_map>

#include "attest/checkpoint.hpp"
#include "attest/dsse.hpp"
#include "attest/merkle.hpp"
#include "attest/statement.hpp"
#include "gate/types/errors.hpp"

namespace gate::attest {

namespace {

struct Failure {
  uint64_t seq;
  std::string problem;
};

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : ",") + part;
  return out;
}

// Index columns answer auditors' queries; they must say what the signed envelope says.
std::optional<std::string> index_mismatch(const LogEntry& entry, const DecisionSummary& summary) {
  if (entry.time != summary.time) return "time";
  if (entry.repository != summary.repository) return "repository";
  if (entry.base != summary.base) return "base";
  if (entry.head != summary.head) return "head";
  if (entry.verdict != summary.verdict) return "verdict";
  if (entry.policy_sha256 != summary.policy_sha256) return "policy_sha256";
  if (entry.actor != summary.actor) return "actor";
  if (join(entry.failed_rules) != join(summary.failed_rules)) return "failed_rules";
  return std::nullopt;
}

class Verifier {
 public:
  Verifier(LogStore& store, const LogVerifyOptions& options) : store_(store), options_(options) {
    for (const auto& key : options.trusted) trusted_by_id_.emplace(key.key_id(), &key);
  }

  LogVerifyResult run() {
    LogVerifyResult result;
    std::optional<Failure> failure = check_entries();
    if (!failure) failure = check_nodes();
    std::optional<PublicKey> log_key = checkpoint_key(result);
    if (!failure) failure = check_latest_checkpoint(log_key);
    if (!failure && options_.old_checkpoint) failure = check_old_checkpoint(log_key);
    result.entries = tree_.size();
    if (tree_.size() > 0) result.root_hex = to_hex(tree_.root());
    if (options_.trusted.empty()) {
      result.notes.push_back("envelope signatures not checked: pass --trust PUBKEY");
    }
    if (failure) {
      result.first_broken = failure->seq;
      result.problem = failure->problem;
      return result;
    }
    result.ok = true;
    return result;
  }

 private:
  std::optional<Failure> check_entries() {
    std::optional<Failure> failure;
    uint64_t expected = 0;
    // Leaf hashes as stored, to compare with those recomputed from the envelopes.
    std::vector<Hash> stored_leaves;
    store_.for_each_node(true, [&](int, uint64_t index, std::string_view hash) {
      if (index == stored_leaves.size() && hash.size() == 32) {
        stored_leaves.push_back(hash_from_bytes(hash));
      }
    });
    store_.for_each_entry([&](const LogEntry& entry) {
      if (failure) return;
      if (entry.seq != expected) {
        failure = Failure{expected, entry.seq > expected ? "entry is missing (deleted)"
                                                         : "entry sequence is out of order"};
        return;
      }
      Hash leaf = merkle::leaf_hash(entry.envelope);
      if (expected >= stored_leaves.size() || stored_leaves[expected] != leaf) {
        failure = Failure{expected, "envelope bytes do not match the stored leaf hash (edited)"};
        return;
      }
      if (auto problem = check_envelope(entry)) {
        failure = Failure{expected, *problem};
        return;
      }
      tree_.append(leaf);
      ++expected;
    });
    return failure;
  }

  std::optional<std::string> check_envelope(const LogEntry& entry) {
    try {
      Envelope envelope = parse_envelope(entry.envelope, "entry");
      DecisionSummary summary = summarize_decision(envelope, "entry");
      if (auto column = index_mismatch(entry, summary)) {
        return "indexed column '" + *column + "' does not match the signed statement";
      }
      if (options_.trusted.empty()) return std::nullopt;
      std::vector<PublicKey> candidates;
      for (const auto& signature : envelope.signatures) {
        auto it = trusted_by_id_.find(signature.keyid);
        if (it != trusted_by_id_.end()) candidates.push_back(*it->second);
      }
      if (candidates.empty()) candidates = options_.trusted;  // DSSE allows empty key ids
      EnvelopeCheck check = verify_envelope(envelope, candidates);
      if (!check.ok) return "envelope " + check.reason;
    } catch (const InputError& e) {
      return e.message();
    }
    return std::nullopt;
  }

  std::optional<Failure> check_nodes() {
    std::optional<Failure> failure;
    store_.for_each_node(false, [&](int level, uint64_t index, std::string_view hash) {
      if (failure) return;
      uint64_t first_leaf = index << level;
      if (level >= tree_.height() || index >= tree_.level(level).size()) {
        failure = Failure{first_leaf, "stored subtree hash beyond the entries (entries deleted)"};
      } else if (as_bytes(tree_.subtree(level, index)) != hash) {
        failure = Failure{first_leaf, "stored subtree hash at level " + std::to_string(level) +
                                          " does not match the entries"};
      }
    });
    return failure;
  }

  std::optional<PublicKey> checkpoint_key(LogVerifyResult& result) {
    if (options_.log_key) return options_.log_key;
    auto pem = store_.log_public_key_pem();
    if (!pem) return std::nullopt;
    result.notes.push_back("checkpoint key taken from the log itself: pass --log-pub to pin it");
    return PublicKey::from_pem(*pem, store_.path() + " (log key)");
  }

  // The root of the first `size` entries as recomputed, or nullopt when there are fewer.
  std::optional<Hash> recomputed_root(uint64_t size) {
    if (size > tree_.size()) return std::nullopt;
    return tree_.root(size);
  }

  std::optional<Failure> check_latest_checkpoint(const std::optional<PublicKey>& key) {
    auto note = store_.latest_checkpoint();
    if (!note) {
      if (tree_.size() == 0) return std::nullopt;
      return Failure{0, "no signed checkpoint in the log"};
    }
    if (!key) return Failure{0, "the log has checkpoints but no log key"};
    SignedCheckpoint checkpoint = parse_checkpoint(*note, "latest checkpoint");
    uint64_t size = checkpoint.checkpoint.size;
    if (!checkpoint_signed_by(checkpoint, *key)) {
      return Failure{size == 0 ? 0 : size - 1,
                     "the latest checkpoint (size " + std::to_string(size) +
                         ") is not signed by the log key " + key->key_id()};
    }
    if (size > tree_.size()) {
      return Failure{tree_.size(), "the signed checkpoint covers " + std::to_string(size) +
                                       " entries but only " + std::to_string(tree_.size()) +
                                       " remain (truncated)"};
    }
    if (size < tree_.size()) {
      return Failure{size, "entries after the latest signed checkpoint (size " +
                               std::to_string(size) + ") are not covered by any signature"};
    }
    if (*recomputed_root(size) != checkpoint.checkpoint.root) {
      return Failure{first_divergence(*key, size),
                     "the recomputed root does not match the signed checkpoint"};
    }
    return std::nullopt;
  }

  // Binary search over the stored checkpoints for the first size whose signed root differs
  // from the recomputed one: a prefix that matches stays matching, so the search is sound.
  uint64_t first_divergence(const PublicKey& key, uint64_t latest) {
    std::vector<uint64_t> sizes = store_.checkpoint_sizes();
    uint64_t low = 0;  // the largest size known to match
    size_t lo = 0, hi = sizes.size();
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      bool matches = false;
      if (auto note = store_.checkpoint(sizes[mid])) {
        try {
          SignedCheckpoint checkpoint = parse_checkpoint(*note, "checkpoint");
          auto root = recomputed_root(checkpoint.checkpoint.size);
          matches =
              checkpoint_signed_by(checkpoint, key) && root && *root == checkpoint.checkpoint.root;
        } catch (const InputError&) {
        }
      }
      if (matches) {
        low = sizes[mid];
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return low < latest ? low : latest - 1;
  }

  std::optional<Failure> check_old_checkpoint(const std::optional<PublicKey>& key) {
    SignedCheckpoint old = parse_checkpoint(*options_.old_checkpoint, options_.old_checkpoint_name);
    uint64_t size = old.checkpoint.size;
    if (!key || !checkpoint_signed_by(old, *key)) {
      return Failure{size == 0 ? 0 : size - 1,
                     options_.old_checkpoint_name + " is not signed by the log key"};
    }
    if (auto origin = store_.origin(); origin && *origin != old.checkpoint.origin) {
      return Failure{0, options_.old_checkpoint_name + " belongs to another log (" +
                            old.checkpoint.origin + ")"};
    }
    if (size > tree_.size()) {
      return Failure{tree_.size(), "the log has " + std::to_string(tree_.size()) + " entries but " +
                                       options_.old_checkpoint_name + " signed " +
                                       std::to_string(size) + " (truncated)"};
    }
    if (*recomputed_root(size) != old.checkpoint.root) {
      return Failure{first_divergence(*key, size),
                     "the log does not extend " + options_.old_checkpoint_name + " (size " +
                         std::to_string(size) + "): it was rewritten (fork or rollback)"};
    }
    return std::nullopt;
  }

  LogStore& store_;
  const LogVerifyOptions& options_;
  std::unordered_map<std::string, const PublicKey*> trusted_by_id_;
  merkle::MemoryTree tree_;
};

}  // namespace

LogVerifyResult verify_log(LogStore& store, const LogVerifyOptions& options) {
  return Verifier(store, options).run();
}

}  // namespace gate::attest
