#include "attest/log_verify.hpp"

#include <algorithm>
#include <unordered_map>

#include "attest/checkpoint.hpp"
#include "attest/dsse.hpp"
#include "attest/merkle.hpp"
#include "attest/statement.hpp"
#include "gate/types/errors.hpp"
#include "gate/types/parallel.hpp"

namespace gate::attest {

namespace {

struct Failure {
  std::optional<uint64_t> seq;
  std::string problem;
  bool unconfirmed = false;
};

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : ",") + part;
  return out;
}

// Index columns answer auditors' queries; they must say what the signed envelope says.
std::optional<std::string> index_mismatch(const LogEntry& entry, const Envelope& envelope,
                                          const DecisionSummary& summary) {
  if (entry.time != summary.time) return "time";
  if (entry.repository != summary.repository) return "repository";
  if (entry.base != summary.base) return "base";
  if (entry.head != summary.head) return "head";
  if (entry.verdict != summary.verdict) return "verdict";
  if (entry.policy_sha256 != summary.policy_sha256) return "policy_sha256";
  if (entry.actor != summary.actor) return "actor";
  if (join(entry.failed_rules) != join(summary.failed_rules)) return "failed_rules";
  if (entry.change_id != summary.change_id) return "change_id";
  std::string key_id = envelope.signatures.empty() ? std::string() : envelope.signatures[0].keyid;
  if (entry.key_id != key_id) return "key_id";
  return std::nullopt;
}

class Verifier {
 public:
  Verifier(LogStore& store, const LogVerifyOptions& options) : store_(store), options_(options) {
    for (const auto& key : options.trusted) trusted_by_id_.emplace(key.key_id(), &key);
  }

  LogVerifyResult run() {
    LogVerifyResult result;
    std::optional<Failure> failure;
    {
      // Everything local is read from one snapshot, so concurrent appends are invisible.
      LogStore::Snapshot snapshot = store_.snapshot();
      failure = check_entries();
      if (!failure) failure = check_rules();
      if (!failure) failure = check_nodes();
      std::optional<PublicKey> log_key = checkpoint_key(result);
      if (!failure) failure = check_checkpoints();
      if (!failure) failure = check_latest_checkpoint(log_key);
      if (!failure && options_.old_checkpoint) failure = check_old_checkpoint(log_key);
    }
    if (!failure && !options_.witnesses.empty()) failure = check_witnesses(result);
    result.entries = tree_.size();
    if (tree_.size() > 0) result.root_hex = to_hex(tree_.root());
    result.latest_checkpoint = latest_note_ + cosignatures_;
    if (options_.trusted.empty()) {
      result.notes.push_back("envelope signatures not checked: pass --trust PUBKEY");
    }
    if (options_.witnesses.empty()) {
      result.notes.push_back(
          "no witness asked: a rollback to an older copy of the file, or a re-keyed log, is only "
          "caught with --witness (or --checkpoint)");
    }
    if (failure) {
      result.first_broken = failure->seq;
      result.problem = failure->problem;
      result.unconfirmed = failure->unconfirmed;
      return result;
    }
    result.ok = true;
    return result;
  }

 private:
  // What one entry says once its envelope is parsed and its signature checked: computed for a
  // batch of entries on every core, then taken in log order.
  struct Examined {
    Hash leaf{};
    std::optional<std::string> problem;
    Envelope envelope;
    DecisionSummary summary;
  };

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
    // Parsing and one signature check per entry dominate; entries are independent, so a batch is
    // examined in parallel and the order-dependent checks then run over it in sequence.
    constexpr size_t kBatch = 2048;
    std::vector<LogEntry> batch;
    std::vector<Examined> examined;
    auto take_batch = [&] {
      examined.assign(batch.size(), Examined{});
      parallel_for(batch.size(), options_.threads,
                   [&](size_t i) { examined[i] = examine(batch[i]); });
      for (size_t i = 0; i < batch.size() && !failure; ++i) {
        const LogEntry& entry = batch[i];
        if (entry.seq != expected) {
          failure = Failure{expected, entry.seq > expected ? "entry is missing (deleted)"
                                                           : "entry sequence is out of order"};
        } else if (expected >= stored_leaves.size() ||
                   stored_leaves[expected] != examined[i].leaf) {
          failure = Failure{expected, "envelope bytes do not match the stored leaf hash (edited)"};
        } else if (examined[i].problem) {
          failure = Failure{expected, *examined[i].problem};
        } else {
          record(entry, examined[i]);
          tree_.append(examined[i].leaf);
          ++expected;
        }
      }
      batch.clear();
    };
    store_.for_each_entry([&](const LogEntry& entry) {
      if (failure) return;
      batch.push_back(entry);
      if (batch.size() == kBatch) take_batch();
    });
    if (!failure) take_batch();
    if (!failure && stored_leaves.size() > expected) {
      failure = Failure{expected, "stored leaf hash beyond the entries (entries deleted)"};
    }
    return failure;
  }

  // Pure: safe on any worker (trusted keys and options are only read).
  Examined examine(const LogEntry& entry) const {
    Examined out;
    out.leaf = merkle::leaf_hash(entry.envelope);
    try {
      out.envelope = parse_envelope(entry.envelope, "entry");
      out.summary = summarize_decision(out.envelope, "entry");
      if (auto column = index_mismatch(entry, out.envelope, out.summary)) {
        out.problem = "indexed column '" + *column + "' does not match the signed statement";
        return out;
      }
      if (!options_.trusted.empty()) {
        std::vector<PublicKey> candidates;
        for (const auto& signature : out.envelope.signatures) {
          auto it = trusted_by_id_.find(signature.keyid);
          if (it != trusted_by_id_.end()) candidates.push_back(*it->second);
        }
        if (candidates.empty()) candidates = options_.trusted;  // DSSE allows empty key ids
        EnvelopeCheck check = verify_envelope(out.envelope, candidates);
        if (!check.ok) out.problem = "envelope " + check.reason;
      }
    } catch (const InputError& e) {
      out.problem = e.message();
    }
    return out;
  }

  void record(const LogEntry& entry, const Examined& examined) {
    std::vector<std::string> rules = examined.summary.failed_rules;
    std::sort(rules.begin(), rules.end());
    rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
    for (auto& rule : rules) {
      expected_rules_.emplace_back(entry.seq, std::move(rule));
      expected_rule_times_.push_back(entry.time);
    }
    if (options_.visit) options_.visit(entry, examined.envelope, examined.summary);
  }

  // The rule index must hold exactly the failed rules the statements name.
  std::optional<Failure> check_rules() {
    std::optional<Failure> failure;
    size_t next = 0;
    store_.for_each_rule([&](uint64_t seq, const std::string& rule) {
      if (failure) return;
      if (next < expected_rules_.size() && expected_rules_[next].first == seq &&
          expected_rules_[next].second == rule) {
        ++next;
        return;
      }
      uint64_t at =
          next < expected_rules_.size() ? std::min(seq, expected_rules_[next].first) : seq;
      failure = Failure{at, "the rule index (entry_rules) does not match the signed statement"};
    });
    if (!failure && next < expected_rules_.size()) {
      failure = Failure{expected_rules_[next].first, "the rule index (entry_rules) lacks rule '" +
                                                         expected_rules_[next].second +
                                                         "' (deleted rows)"};
    }
    if (!failure) failure = check_rule_times();
    return failure;
  }

  // The search index of failed rules too, each row under its entry's time: `query --rule`
  // reads it.
  std::optional<Failure> check_rule_times() {
    std::optional<Failure> failure;
    size_t next = 0;
    const char* problem =
        "the rule search index (entry_rule_times) does not match the signed statement";
    store_.for_each_rule_time([&](uint64_t seq, const std::string& rule, int64_t time) {
      if (failure) return;
      if (next < expected_rules_.size() && expected_rules_[next].first == seq &&
          expected_rules_[next].second == rule && expected_rule_times_[next] == time) {
        ++next;
        return;
      }
      failure =
          Failure{next < expected_rules_.size() ? std::min(seq, expected_rules_[next].first) : seq,
                  problem};
    });
    if (!failure && next < expected_rules_.size())
      failure = Failure{expected_rules_[next].first, problem};
    return failure;
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

  // Every stored checkpoint must name this log and sign a root the entries recompute to. Their
  // signatures are not checked one by one (the latest is): a checkpoint whose root matches
  // carries no claim the entries do not make already.
  std::optional<Failure> check_checkpoints() {
    std::optional<Failure> failure;
    std::optional<std::string> origin = store_.origin();
    store_.for_each_checkpoint([&](uint64_t size, const std::string& note) {
      if (failure) return;
      uint64_t at = size == 0 ? 0 : size - 1;
      try {
        SignedCheckpoint checkpoint = parse_checkpoint(note, "checkpoint");
        if (checkpoint.checkpoint.size != size) {
          failure = Failure{at, "stored checkpoint for size " + std::to_string(size) +
                                    " signs size " + std::to_string(checkpoint.checkpoint.size)};
        } else if (origin && checkpoint.checkpoint.origin != *origin) {
          failure = Failure{at, "stored checkpoint for size " + std::to_string(size) +
                                    " names another log (" + checkpoint.checkpoint.origin + ")"};
        } else if (size > tree_.size()) {
          failure = Failure{tree_.size(), "a stored checkpoint covers " + std::to_string(size) +
                                              " entries but only " + std::to_string(tree_.size()) +
                                              " remain (truncated)"};
        } else if (tree_.root(size) != checkpoint.checkpoint.root) {
          failure = Failure{at, "the stored checkpoint for size " + std::to_string(size) +
                                    " does not match the entries"};
        }
      } catch (const InputError& e) {
        failure = Failure{at, e.message()};
      }
    });
    return failure;
  }

  std::optional<PublicKey> checkpoint_key(LogVerifyResult& result) {
    auto pem = store_.log_public_key_pem();
    if (options_.log_key) {
      if (pem) {
        try {
          if (PublicKey::from_pem(*pem, "log key").key_id() != options_.log_key->key_id()) {
            result.notes.push_back("the log key recorded in the file is not the pinned one");
          }
        } catch (const InputError&) {
          result.notes.push_back("the log key recorded in the file is not a key");
        }
      }
      return options_.log_key;
    }
    if (!pem) return std::nullopt;
    result.notes.push_back("checkpoint key taken from the log itself: pass --log-pub to pin it");
    return PublicKey::from_pem(*pem, store_.path() + " (log key)");
  }

  std::optional<Failure> check_latest_checkpoint(const std::optional<PublicKey>& key) {
    auto note = store_.latest_checkpoint();
    if (!note) {
      if (tree_.size() == 0) return std::nullopt;
      return Failure{0, "no signed checkpoint in the log"};
    }
    latest_note_ = *note;
    if (!key) return Failure{0, "the log has checkpoints but no log key"};
    SignedCheckpoint checkpoint = parse_checkpoint(*note, "latest checkpoint");
    uint64_t size = checkpoint.checkpoint.size;
    if (!checkpoint_signed_by(checkpoint, *key)) {
      return Failure{size == 0 ? 0 : size - 1,
                     "the latest checkpoint (size " + std::to_string(size) +
                         ") is not signed by the log key " + key->key_id()};
    }
    if (size < tree_.size()) {
      return Failure{size, "entries after the latest signed checkpoint (size " +
                               std::to_string(size) + ") are not covered by any signature"};
    }
    return std::nullopt;
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
    if (tree_.root(size) != old.checkpoint.root) {
      return Failure{std::nullopt, "the log does not extend " + options_.old_checkpoint_name +
                                       " (size " + std::to_string(size) +
                                       "): it was rewritten (fork or rollback)"};
    }
    return std::nullopt;
  }

  // The witnesses hold what no file can: the largest checkpoint of this log they cosigned. A
  // conflict from any trusted witness breaks the log; too few cosignatures leave it unconfirmed.
  std::optional<Failure> check_witnesses(LogVerifyResult& result) {
    if (latest_note_.empty()) return Failure{std::nullopt, "the log has no checkpoint to witness"};
    ConsistencyProver prove = [this](uint64_t old_size,
                                     uint64_t new_size) -> std::optional<std::vector<Hash>> {
      return merkle::consistency_proof(tree_.source(), old_size, new_size);
    };
    std::vector<std::string> refusals;
    for (const auto& witness : options_.witnesses) {
      CosignOutcome outcome = request_cosignature(witness, latest_note_, prove);
      switch (outcome.kind) {
        case CosignOutcome::Kind::cosigned:
          ++result.cosigned;
          cosignatures_ += outcome.signature_line;
          result.notes.push_back(outcome.message);
          break;
        case CosignOutcome::Kind::conflict:
          return Failure{std::nullopt, outcome.message};
        case CosignOutcome::Kind::unavailable:
          refusals.push_back(outcome.message);
          break;
      }
    }
    size_t needed = options_.min_witnesses;
    if (result.cosigned >= needed) {
      for (const auto& refusal : refusals) result.notes.push_back(refusal);
      return std::nullopt;
    }
    std::string problem =
        std::to_string(result.cosigned) + " of " + std::to_string(options_.witnesses.size()) +
        " witnesses cosigned the latest checkpoint, " + std::to_string(needed) + " needed";
    for (const auto& refusal : refusals) problem += "; " + refusal;
    Failure failure{std::nullopt, problem};
    failure.unconfirmed = true;
    return failure;
  }

  LogStore& store_;
  const LogVerifyOptions& options_;
  std::unordered_map<std::string, const PublicKey*> trusted_by_id_;
  merkle::MemoryTree tree_;
  std::vector<std::pair<uint64_t, std::string>> expected_rules_;
  std::vector<int64_t> expected_rule_times_;  // the entry time of each of expected_rules_
  std::string latest_note_;
  std::string cosignatures_;
};

}  // namespace

LogVerifyResult verify_log(LogStore& store, const LogVerifyOptions& options) {
  return Verifier(store, options).run();
}

}  // namespace gate::attest
