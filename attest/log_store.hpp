#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "attest/dsse.hpp"
#include "attest/keys.hpp"
#include "attest/log_backend.hpp"
#include "attest/merkle.hpp"

namespace gate::attest {

// Options of a log created by `gate log init`.
struct LogIdentity {
  // The checkpoint origin (C2SP tlog-checkpoint): a schema-less URL-like name of this log, such
  // as "audit.example.com/acme/app". It names the log, not the key.
  std::string origin;
  // A decision signed by the log key itself is refused unless this is set: a stolen CI signing
  // key must not also be able to re-sign the log's checkpoints.
  bool allow_shared_key = false;
};

// The append-only audit log. Every append is one write transaction that adds the entry, the
// Merkle subtree hashes it completes and a checkpoint for the new size signed by the log key, so
// concurrent writers never fork or lose entries. The rows live in an engine (log_backend.hpp):
// a SQLite file (the default) or a PostgreSQL database (a postgresql:// URL).
class LogStore {
 public:
  // One read transaction: every read made while it lives sees the same state of the file, even
  // while other processes append. Nests: an inner snapshot joins the outer one.
  class Snapshot {
   public:
    explicit Snapshot(LogBackend& backend);
    ~Snapshot();
    Snapshot(const Snapshot&) = delete;
    Snapshot& operator=(const Snapshot&) = delete;

   private:
    LogBackend& backend_;
    bool owner_ = false;
  };

  // Opens the log at `location`: a file path, or a postgresql:// URL. With `create`, a missing
  // file (and its folder) is created; a PostgreSQL log must have been installed (install()).
  // Throws InputError naming the location when it cannot be opened or is not a Gate audit log.
  static LogStore open(const std::string& location, bool create,
                       Durability durability = Durability::full);
  explicit LogStore(std::unique_ptr<LogBackend> backend);
  LogStore(LogStore&&) noexcept;
  LogStore& operator=(LogStore&&) noexcept;
  ~LogStore();

  // Creates the log's identity (origin and log key) before the first append; throws InputError
  // when the log already has one or the origin is not a valid name.
  void init(const LogIdentity& identity, const PrivateKey& log_key);
  // The checks of init() that need no file, so a caller can refuse before creating one.
  static void check_identity(const LogIdentity& identity, const PrivateKey& log_key);
  [[nodiscard]] Snapshot snapshot() { return Snapshot(*backend_); }

  // Appends one envelope (DSSE JSON bytes of a Gate decision); returns its sequence number.
  // A log without an identity yet (no `gate log init`) takes `new_log` in the same transaction;
  // an empty origin there names the log with a random gate.local/audit-log/<16 hex> name.
  // `in_same_transaction`, when given, runs with the new sequence number before the append
  // commits (the service stores the submitter's identity there): both land or neither does.
  uint64_t append(std::string_view envelope, const PrivateKey& log_key,
                  const LogIdentity& new_log = {},
                  const std::function<void(uint64_t seq)>& in_same_transaction = {});
  // Appends many envelopes in one transaction with one checkpoint at the end (bulk import).
  uint64_t append_batch(const std::vector<std::string>& envelopes, const PrivateKey& log_key,
                        const LogIdentity& new_log = {},
                        const std::function<void(uint64_t first)>& in_same_transaction = {});

  // Where the log is: its path, or its URL without the password.
  // Signs and stores checkpoints for earlier sizes of this log that have none (an import
  // reproducing its source's checkpoints: Ed25519 signatures are deterministic, so the notes
  // come out byte for byte the same). Sizes above the log's size are refused.
  void add_checkpoints(const std::vector<uint64_t>& sizes, const PrivateKey& log_key);

  const std::string& path() const { return backend_->location(); }
  std::string engine() const { return backend_->engine(); }
  uint64_t size();
  // The checkpoint origin and the log's Ed25519 public key, fixed by the first append.
  std::optional<std::string> origin();
  std::optional<std::string> log_public_key_pem();
  // Whether decisions signed by the log key are accepted (set by `gate log init`; logs made by
  // a first append without init accept them, as Gate always did).
  bool shared_key_allowed();

  merkle::SubtreeSource subtree_source();
  Hash root(uint64_t size);
  std::vector<Hash> inclusion_proof(uint64_t index, uint64_t size);
  std::vector<Hash> consistency_proof(uint64_t old_size, uint64_t new_size);
  std::optional<Hash> leaf_hash(uint64_t seq);

  std::optional<std::string> latest_checkpoint();
  std::optional<std::string> checkpoint(uint64_t size);
  std::vector<uint64_t> checkpoint_sizes();

  std::optional<LogEntry> entry(uint64_t seq);
  std::vector<LogEntry> query(const LogQuery& query);
  // Every entry in sequence order, streamed.
  void for_each_entry(const std::function<void(const LogEntry&)>& visit);
  // Stored hashes in (level, index) order, streamed: the leaves (level 0) or the inner subtrees.
  void for_each_node(
      bool leaves,
      const std::function<void(int level, uint64_t index, std::string_view hash)>& visit);

  // The entry_rules side table (rule that failed, entry) in (seq, rule) order, streamed.
  void for_each_rule(const std::function<void(uint64_t seq, const std::string& rule)>& visit);
  // The failed rules' search index (entry_rule_times) in (seq, rule) order, streamed.
  void for_each_rule_time(
      const std::function<void(uint64_t seq, const std::string& rule, int64_t time)>& visit);
  // Every stored checkpoint in size order, streamed.
  void for_each_checkpoint(
      const std::function<void(uint64_t size, const std::string& note)>& visit);

  // The submitter of an entry appended through the service. record_identity() belongs in
  // append()'s `in_same_transaction`, so the entry and its submitter land together.
  void record_identity(uint64_t seq, const SubmitterIdentity& identity);
  std::optional<SubmitterIdentity> identity(uint64_t seq);
  std::map<uint64_t, SubmitterIdentity> identities(const std::vector<uint64_t>& seqs);
  std::vector<uint64_t> sequences_by_identity(const std::string& who);

  LogBackend& backend() { return *backend_; }

 private:
  // The right edge of the tree: the hash of the complete subtree at each level whose bit is set
  // in the size. Appending a leaf closes subtrees from it alone, without reading nodes back.
  using Frontier = std::vector<Hash>;
  Frontier read_frontier(uint64_t size);
  void bind_log_key(const PrivateKey& log_key, const LogIdentity& new_log);
  void write_identity(const LogIdentity& identity, const PrivateKey& log_key);
  void check_signer(const Envelope& envelope, const std::string& log_key_id);
  // refused_signer: a key id whose signature on a decision is refused (the log key), or empty.
  void insert_entry(std::string_view envelope, uint64_t seq, Frontier& frontier,
                    const std::string& refused_signer);
  void store_checkpoint(uint64_t size, const PrivateKey& log_key);
  Hash read_node(int level, uint64_t index);
  // A source holding the subtrees `compute` asks for, read from the engine in one batch. The
  // Merkle recursion visits the same subtrees whatever their hashes, so a first run of `compute`
  // on placeholder hashes tells which.
  merkle::SubtreeSource prefetched(
      const std::function<void(const merkle::SubtreeSource&)>& compute);

  std::unique_ptr<LogBackend> backend_;
};

// The default log file: $GATE_LOG when set, else <git dir>/gate/audit.db of the repository at or
// above `repository` (kept out of the work tree and out of commits).
std::string default_log_path(const std::string& repository = ".");

}  // namespace gate::attest
