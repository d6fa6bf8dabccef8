#include "attest/log_store.hpp"

#include <openssl/rand.h>

#include <git2.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>

#include "attest/checkpoint.hpp"
#include "attest/dsse.hpp"
#include "attest/pg_log_backend.hpp"
#include "attest/sqlite_log_backend.hpp"
#include "attest/statement.hpp"
#include "gate/types/errors.hpp"

namespace gate::attest {

namespace {

// Any failure inside a write transaction takes the whole transaction back.
class WriteTransaction {
 public:
  explicit WriteTransaction(LogBackend& backend) : backend_(backend) { backend_.begin_write(); }
  ~WriteTransaction() {
    if (open_) backend_.rollback();
  }
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void commit() {
    backend_.commit();
    open_ = false;
  }

 private:
  LogBackend& backend_;
  bool open_ = true;
};

}  // namespace

std::string join_rules(const std::vector<std::string>& rules) {
  std::string out;
  for (const auto& part : rules) out += (out.empty() ? "" : ",") + part;
  return out;
}

std::vector<std::string> split_rules(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

LogStore LogStore::open(const std::string& location, bool create, Durability durability) {
  if (is_postgres_url(location)) return LogStore(open_postgres_log(location, durability));
  if (location.rfind("http://", 0) == 0 || location.rfind("https://", 0) == 0) {
    throw InputError(location, 0, 0, "this command reads a log file or database, not a service",
                     "pass the log's file or postgresql:// URL, or use a command that talks to "
                     "`gate log serve`");
  }
  return LogStore(open_sqlite_log(location, create, durability));
}

LogStore::LogStore(std::unique_ptr<LogBackend> backend) : backend_(std::move(backend)) {}
LogStore::LogStore(LogStore&&) noexcept = default;
LogStore& LogStore::operator=(LogStore&&) noexcept = default;
LogStore::~LogStore() = default;

LogStore::Snapshot::Snapshot(LogBackend& backend) : backend_(backend) {
  if (backend_.in_transaction()) return;  // inside a transaction already
  backend_.begin_read();
  owner_ = true;
}

LogStore::Snapshot::~Snapshot() {
  if (owner_) backend_.end_read();
}

void LogStore::check_identity(const LogIdentity& identity, const PrivateKey& log_key) {
  if (auto problem = origin_problem(identity.origin)) {
    throw InputError("--origin '" + identity.origin + "' is not a log name: " + *problem,
                     "use a schema-less URL-like name, such as audit.example.com/acme/app");
  }
  if (log_key.type() != KeyType::ed25519) {
    throw InputError("the log key must be an Ed25519 key (checkpoints are C2SP signed notes)",
                     "make one with `gate keygen --type ed25519 --out log`");
  }
}

void LogStore::init(const LogIdentity& identity, const PrivateKey& log_key) {
  check_identity(identity, log_key);
  WriteTransaction transaction(*backend_);
  if (backend_->meta("log_key_id")) {
    throw InputError(path(), 0, 0, "this audit log already has an origin and a log key",
                     "init a new file, or keep using this log as it is");
  }
  write_identity(identity, log_key);
  transaction.commit();
}

void LogStore::write_identity(const LogIdentity& identity, const PrivateKey& log_key) {
  backend_->put_meta("log_key_id", log_key.key_id());
  backend_->put_meta("log_public_key", log_key.public_key().pem());
  backend_->put_meta("origin", identity.origin);
  backend_->put_meta("shared_key", identity.allow_shared_key ? "allowed" : "refused");
}

bool LogStore::shared_key_allowed() {
  return backend_->meta("shared_key").value_or("allowed") == "allowed";
}

void LogStore::check_signer(const Envelope& envelope, const std::string& log_key_id) {
  for (const auto& signature : envelope.signatures) {
    if (signature.keyid == log_key_id) {
      throw InputError(path(), 0, 0,
                       "the decision is signed with the log key: this log keeps the two apart",
                       "sign decisions with another key (--sign-key) than the log key "
                       "(--log-key), or init the log with --allow-shared-key");
    }
  }
}

void LogStore::bind_log_key(const PrivateKey& log_key, const LogIdentity& new_log) {
  if (log_key.type() != KeyType::ed25519) {
    throw InputError("the log key must be an Ed25519 key (checkpoints are C2SP signed notes)",
                     "make one with `gate keygen --type ed25519 --out log`");
  }
  if (auto bound = backend_->meta("log_key_id")) {
    if (*bound != log_key.key_id()) {
      throw InputError(
          path(), 0, 0,
          "the log key " + log_key.key_id() + " is not the key of this log (" + *bound + ")",
          "use the log key this log was created with");
    }
    return;
  }
  LogIdentity identity = new_log;
  if (identity.origin.empty()) {
    // A name of its own, not of its key: two logs sharing a key must not look like a fork.
    unsigned char random[8];
    if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error("RAND_bytes failed");
    identity.origin =
        "gate.local/audit-log/" +
        to_hex(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
  }
  check_identity(identity, log_key);
  write_identity(identity, log_key);
}

uint64_t LogStore::size() { return backend_->size(); }

std::optional<std::string> LogStore::origin() { return backend_->meta("origin"); }
std::optional<std::string> LogStore::log_public_key_pem() {
  return backend_->meta("log_public_key");
}

Hash LogStore::read_node(int level, uint64_t index) {
  auto hash = backend_->node(level, index);
  if (!hash) {
    throw std::runtime_error("audit log: subtree hash (" + std::to_string(level) + ", " +
                             std::to_string(index) + ") is missing; run `gate log verify`");
  }
  return *hash;
}

merkle::SubtreeSource LogStore::prefetched(
    const std::function<void(const merkle::SubtreeSource&)>& compute) {
  std::vector<std::pair<int, uint64_t>> wanted;
  compute([&](int level, uint64_t index) {
    wanted.emplace_back(level, index);
    return Hash{};
  });
  auto found = backend_->nodes(wanted);
  auto hashes = std::make_shared<std::map<std::pair<int, uint64_t>, Hash>>();
  for (size_t i = 0; i < wanted.size(); ++i) {
    if (!found[i]) read_node(wanted[i].first, wanted[i].second);  // throws: the node is missing
    hashes->emplace(wanted[i], *found[i]);
  }
  return [this, hashes](int level, uint64_t index) {
    auto hit = hashes->find({level, index});
    return hit != hashes->end() ? hit->second : read_node(level, index);
  };
}

LogStore::Frontier LogStore::read_frontier(uint64_t size) {
  std::vector<std::pair<int, uint64_t>> wanted;
  for (int level = 0; level < 64; ++level) {
    if ((size >> level) & 1) wanted.emplace_back(level, (size >> level) - 1);
  }
  auto found = backend_->nodes(wanted);
  Frontier frontier(64);
  for (size_t i = 0; i < wanted.size(); ++i) {
    frontier[wanted[i].first] = found[i] ? *found[i] : read_node(wanted[i].first, wanted[i].second);
  }
  return frontier;
}

void LogStore::insert_entry(std::string_view envelope_json, uint64_t seq, Frontier& frontier,
                            const std::string& refused_signer) {
  Envelope envelope = parse_envelope(envelope_json, "envelope");
  if (!refused_signer.empty()) check_signer(envelope, refused_signer);
  DecisionSummary summary = summarize_decision(envelope, "envelope");
  LogEntry row;
  row.seq = seq;
  row.time = summary.time;
  row.repository = summary.repository;
  row.base = summary.base;
  row.head = summary.head;
  row.verdict = summary.verdict;
  row.policy_sha256 = summary.policy_sha256;
  row.actor = summary.actor;
  row.failed_rules = summary.failed_rules;
  row.change_id = summary.change_id;
  row.key_id = envelope.signatures.empty() ? std::string() : envelope.signatures[0].keyid;
  row.envelope = std::string(envelope_json);
  backend_->insert_entry(row);

  // Store the leaf and every complete subtree it closes: while bit `level` of seq is set, the
  // frontier holds the left sibling at that level.
  Hash current = merkle::leaf_hash(envelope_json);
  backend_->insert_node(0, seq, current);
  uint64_t size = seq + 1;
  int level = 0;
  for (; (seq >> level) & 1; ++level) {
    current = merkle::node_hash(frontier[level], current);
    backend_->insert_node(level + 1, (size >> (level + 1)) - 1, current);
  }
  frontier[level] = current;
}

void LogStore::store_checkpoint(uint64_t size, const PrivateKey& log_key) {
  Checkpoint checkpoint;
  checkpoint.origin = *origin();
  checkpoint.size = size;
  checkpoint.root = root(size);
  backend_->insert_checkpoint(size, sign_checkpoint(checkpoint, log_key));
}

uint64_t LogStore::append(std::string_view envelope, const PrivateKey& log_key,
                          const LogIdentity& new_log,
                          const std::function<void(uint64_t seq)>& in_same_transaction) {
  return append_batch({std::string(envelope)}, log_key, new_log, in_same_transaction);
}

uint64_t LogStore::append_batch(const std::vector<std::string>& envelopes,
                                const PrivateKey& log_key, const LogIdentity& new_log,
                                const std::function<void(uint64_t first)>& in_same_transaction) {
  if (envelopes.empty()) throw std::invalid_argument("nothing to append");
  try {
    WriteTransaction transaction(*backend_);
    // The reservation comes first: it is what serialises writers, so everything read after it
    // (the identity, the right edge of the tree) is what the writer before left.
    uint64_t first = backend_->reserve_sequence();
    bind_log_key(log_key, new_log);
    Frontier frontier = read_frontier(first);
    std::string refused_signer = shared_key_allowed() ? std::string() : log_key.key_id();
    for (size_t i = 0; i < envelopes.size(); ++i) {
      uint64_t seq = i == 0 ? first : backend_->reserve_sequence();
      if (seq != first + i) throw std::runtime_error("the log's sequence skipped a number");
      insert_entry(envelopes[i], seq, frontier, refused_signer);
    }
    store_checkpoint(first + envelopes.size(), log_key);
    if (in_same_transaction) in_same_transaction(first);
    transaction.commit();
    return first;
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(path(), 0, 0, std::string("cannot append to the audit log: ") + e.what(),
                     "check that the file is writable and not damaged (`gate log verify`)");
  }
}

void LogStore::add_checkpoints(const std::vector<uint64_t>& sizes, const PrivateKey& log_key) {
  WriteTransaction transaction(*backend_);
  bind_log_key(log_key, {});
  uint64_t log_size = size();
  for (uint64_t checkpoint_size : sizes) {
    if (checkpoint_size == 0 || checkpoint_size > log_size) {
      throw InputError(path(), 0, 0,
                       "no checkpoint can be signed for size " + std::to_string(checkpoint_size) +
                           ": the log holds " + std::to_string(log_size) + " entries");
    }
    if (!backend_->checkpoint(checkpoint_size)) store_checkpoint(checkpoint_size, log_key);
  }
  transaction.commit();
}

merkle::SubtreeSource LogStore::subtree_source() {
  return [this](int level, uint64_t index) { return read_node(level, index); };
}

Hash LogStore::root(uint64_t size) {
  auto compute = [size](const merkle::SubtreeSource& source) { return merkle::root(source, size); };
  return compute(prefetched(compute));
}

std::vector<Hash> LogStore::inclusion_proof(uint64_t index, uint64_t size) {
  auto compute = [index, size](const merkle::SubtreeSource& source) {
    return merkle::inclusion_proof(source, index, size);
  };
  return compute(prefetched(compute));
}

std::vector<Hash> LogStore::consistency_proof(uint64_t old_size, uint64_t new_size) {
  auto compute = [old_size, new_size](const merkle::SubtreeSource& source) {
    return merkle::consistency_proof(source, old_size, new_size);
  };
  return compute(prefetched(compute));
}

std::optional<Hash> LogStore::leaf_hash(uint64_t seq) { return backend_->node(0, seq); }

std::optional<std::string> LogStore::latest_checkpoint() { return backend_->latest_checkpoint(); }

std::optional<std::string> LogStore::checkpoint(uint64_t size) {
  return backend_->checkpoint(size);
}

std::vector<uint64_t> LogStore::checkpoint_sizes() {
  std::vector<uint64_t> sizes;
  backend_->for_each_checkpoint([&](uint64_t size, const std::string&) { sizes.push_back(size); });
  return sizes;
}

std::optional<LogEntry> LogStore::entry(uint64_t seq) { return backend_->entry(seq); }

std::vector<LogEntry> LogStore::query(const LogQuery& query) { return backend_->query(query); }

void LogStore::for_each_entry(const std::function<void(const LogEntry&)>& visit) {
  backend_->for_each_entry(visit);
}

void LogStore::for_each_node(
    bool leaves,
    const std::function<void(int level, uint64_t index, std::string_view hash)>& visit) {
  backend_->for_each_node(leaves, visit);
}

void LogStore::for_each_rule(
    const std::function<void(uint64_t seq, const std::string& rule)>& visit) {
  backend_->for_each_rule(visit);
}

void LogStore::for_each_rule_time(
    const std::function<void(uint64_t seq, const std::string& rule, int64_t time)>& visit) {
  backend_->for_each_rule_time(visit);
}

void LogStore::for_each_checkpoint(
    const std::function<void(uint64_t size, const std::string& note)>& visit) {
  backend_->for_each_checkpoint(visit);
}

void LogStore::record_identity(uint64_t seq, const SubmitterIdentity& identity) {
  backend_->insert_identity(seq, identity);
}

std::optional<SubmitterIdentity> LogStore::identity(uint64_t seq) {
  return backend_->identity(seq);
}

std::map<uint64_t, SubmitterIdentity> LogStore::identities(const std::vector<uint64_t>& seqs) {
  return backend_->identities(seqs);
}

std::vector<uint64_t> LogStore::sequences_by_identity(const std::string& who) {
  return backend_->sequences_by_identity(who);
}

std::string default_log_path(const std::string& repository) {
  if (const char* env = std::getenv("GATE_LOG"); env && *env) return env;
  git_buf buffer = GIT_BUF_INIT;
  int code = git_repository_discover(&buffer, repository.c_str(), 0, nullptr);
  std::string git_dir = code == 0 && buffer.ptr ? std::string(buffer.ptr, buffer.size) : "";
  git_buf_dispose(&buffer);
  if (git_dir.empty()) {
    throw InputError("no audit log given and no git repository at " + repository,
                     "pass --log FILE or set GATE_LOG");
  }
  return (std::filesystem::path(git_dir) / "gate" / "audit.db").string();
}

}  // namespace gate::attest
