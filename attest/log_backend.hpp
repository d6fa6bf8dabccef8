#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "attest/bytes.hpp"

// The rows of the audit log, behind one interface so the log's rules (Merkle nodes, signed
// checkpoints, sequencing, who may sign what) live once in LogStore and every engine keeps the
// same tables, invariants and verification. Engines: SQLite (one file, the embedded default) and
// PostgreSQL (one shared database for a service).
namespace gate::attest {

// One decision as the audit log holds it. The envelope bytes are the source of truth; the other
// columns are indexes derived from them (and checked against them by `gate log verify`).
struct LogEntry {
  uint64_t seq = 0;  // leaf index in the Merkle tree, from 0
  int64_t time = 0;
  std::string repository;
  std::string base;
  std::string head;
  std::string verdict;
  std::string policy_sha256;
  std::string actor;
  std::vector<std::string> failed_rules;
  std::string change_id;  // the pull/merge request (ci.changeId), empty for none
  std::string key_id;
  std::string envelope;
};

struct LogQuery {
  std::optional<std::string> repository;
  std::optional<std::string> commit;  // head commit, full id or a prefix of 4+ hex digits
  std::optional<std::string> verdict;
  std::optional<std::string> rule;  // a rule that failed
  std::optional<std::string> actor;
  std::optional<std::string> change;  // pull/merge request (the statement's ci.changeId)
  // Results come in time order (then sequence), which lets the time index stop at `limit`.
  std::optional<int64_t> since;  // inclusive, seconds since the epoch
  std::optional<int64_t> until;  // inclusive
  // A page cursor: only entries after this (time, seq) in result order.
  std::optional<std::pair<int64_t, uint64_t>> after;
  uint64_t limit = 0;  // 0: no limit
};

// Who appended an entry through the service: the verified CI identity or project token.
struct SubmitterIdentity {
  std::string kind;  // "oidc" or "token"
  std::string issuer;
  std::string subject;  // `sub` of the token, or the static token's name
  std::string repository;
  std::string workflow_ref;
  std::string ref;
  std::string run_id;
  std::string actor;
};

// full: every acknowledged append survives power loss (fsync per commit, the default).
// normal: survives a crash of the process or the OS but the last appends may be lost on power
// loss; for bulk imports and tests.
enum class Durability { full, normal };

class LogBackend {
 public:
  virtual ~LogBackend() = default;

  // Where the log is, for messages: a path, or a database URL without its password.
  virtual const std::string& location() const = 0;
  virtual std::string engine() const = 0;  // "sqlite" or "postgresql"

  // Write transactions serialise every writer of the log, in every process, until they end.
  virtual void begin_write() = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  // Inside a write transaction: the sequence number of the next entry, reserved so that no
  // other writer gets it; each call reserves one more.
  virtual uint64_t reserve_sequence() = 0;

  // Read transactions see one state of the log while others append.
  virtual void begin_read() = 0;
  virtual void end_read() noexcept = 0;
  virtual bool in_transaction() const = 0;

  virtual std::optional<std::string> meta(std::string_view key) = 0;
  virtual void put_meta(std::string_view key, std::string_view value) = 0;

  virtual uint64_t size() = 0;
  // The entry's columns and its failed rules (entry_rules).
  virtual void insert_entry(const LogEntry& entry) = 0;
  virtual void insert_node(int level, uint64_t index, const Hash& hash) = 0;
  virtual std::optional<Hash> node(int level, uint64_t index) = 0;
  // Many subtree hashes at once, in the order asked (nullopt where one is missing). A proof or
  // root needs about 2 log2(size) of them: a server engine reads them in one round trip.
  virtual std::vector<std::optional<Hash>> nodes(
      const std::vector<std::pair<int, uint64_t>>& wanted) {
    std::vector<std::optional<Hash>> found;
    found.reserve(wanted.size());
    for (const auto& [level, index] : wanted) found.push_back(node(level, index));
    return found;
  }
  virtual void insert_checkpoint(uint64_t size, const std::string& note) = 0;
  virtual std::optional<std::string> latest_checkpoint() = 0;
  virtual std::optional<std::string> checkpoint(uint64_t size) = 0;

  virtual std::optional<LogEntry> entry(uint64_t seq) = 0;
  virtual std::vector<LogEntry> query(const LogQuery& query) = 0;
  virtual void for_each_entry(const std::function<void(const LogEntry&)>& visit) = 0;
  virtual void for_each_node(
      bool leaves,
      const std::function<void(int level, uint64_t index, std::string_view hash)>& visit) = 0;
  virtual void for_each_rule(
      const std::function<void(uint64_t seq, const std::string& rule)>& visit) = 0;
  // The search index of failed rules (entry_rule_times) in (seq, rule) order, with the entry
  // time each row was filed under.
  virtual void for_each_rule_time(
      const std::function<void(uint64_t seq, const std::string& rule, int64_t time)>& visit) = 0;
  virtual void for_each_checkpoint(
      const std::function<void(uint64_t size, const std::string& note)>& visit) = 0;

  virtual void insert_identity(uint64_t seq, const SubmitterIdentity& identity) = 0;
  virtual std::optional<SubmitterIdentity> identity(uint64_t seq) = 0;
  // The submitters of many entries at once (a page of results): those that have one.
  virtual std::map<uint64_t, SubmitterIdentity> identities(const std::vector<uint64_t>& seqs) = 0;
  // Entries whose submitter's subject, repository or actor is `who`, ascending.
  virtual std::vector<uint64_t> sequences_by_identity(const std::string& who) = 0;
};

// Whether an entry passes a query's filters (not its cursor or limit): what the engines' SQL
// selects, for entries found another way (by submitter, or from a remote answer).
bool query_matches(const LogEntry& entry, const LogQuery& query);

// The failed rules column holds the rule ids joined by ','.
std::string join_rules(const std::vector<std::string>& rules);
std::vector<std::string> split_rules(const std::string& text);

}  // namespace gate::attest
