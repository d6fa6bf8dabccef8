#include "attest/log_store.hpp"

#include <openssl/rand.h>

#include <git2.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "attest/checkpoint.hpp"
#include "attest/dsse.hpp"
#include "attest/statement.hpp"
#include "gate/types/errors.hpp"

namespace gate::attest {

namespace {

constexpr int kBusyTimeoutMs = 120000;
constexpr const char* kSchemaVersion = "1";

// Every table refuses UPDATE and DELETE: the code only ever inserts.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries(
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  repository TEXT NOT NULL,
  base TEXT NOT NULL,
  head TEXT NOT NULL,
  verdict TEXT NOT NULL,
  policy_sha256 TEXT NOT NULL,
  actor TEXT NOT NULL,
  failed_rules TEXT NOT NULL,
  key_id TEXT NOT NULL,
  envelope BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS entries_head ON entries(head);
CREATE INDEX IF NOT EXISTS entries_time ON entries(time);
CREATE INDEX IF NOT EXISTS entries_repository ON entries(repository, time);
CREATE INDEX IF NOT EXISTS entries_actor ON entries(actor, time);
CREATE INDEX IF NOT EXISTS entries_verdict ON entries(verdict, time);
CREATE INDEX IF NOT EXISTS entries_policy ON entries(policy_sha256);
CREATE TABLE IF NOT EXISTS entry_rules(rule TEXT NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY(rule, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS nodes(level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,
  PRIMARY KEY(level, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints(size INTEGER PRIMARY KEY, note TEXT NOT NULL);
)sql";

void create_append_only_triggers(sqlite3* db) {
  for (const char* table : {"meta", "entries", "entry_rules", "nodes", "checkpoints"}) {
    for (const char* action : {"UPDATE", "DELETE"}) {
      std::string sql = std::string("CREATE TRIGGER IF NOT EXISTS ") + table + "_no_" + action +
                        " BEFORE " + action + " ON " + table +
                        " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";
      sql::exec(db, sql.c_str());
    }
  }
}

// Switching to WAL needs a moment without other writers; parallel first opens retry.
void enable_wal(sqlite3* db, const std::string& path) {
  for (int attempt = 0; attempt < 400; ++attempt) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &raw, nullptr) == SQLITE_OK) {
      std::unique_ptr<sqlite3_stmt, sql::StmtDeleter> stmt(raw);
      if (sqlite3_step(stmt.get()) == SQLITE_ROW) {
        std::string mode = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
        if (mode == "wal") return;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  throw InputError(path, 0, 0, "cannot switch the audit log to WAL mode",
                   "check that the file is on a local file system and writable");
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : ",") + part;
  return out;
}

std::vector<std::string> split(const std::string& text) {
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

constexpr const char* kEntryColumns =
    "seq, time, repository, base, head, verdict, policy_sha256, actor, failed_rules, key_id, "
    "envelope";

LogEntry read_entry(const sql::Statement& row) {
  LogEntry entry;
  entry.seq = static_cast<uint64_t>(row.integer(0));
  entry.time = row.integer(1);
  entry.repository = row.text(2);
  entry.base = row.text(3);
  entry.head = row.text(4);
  entry.verdict = row.text(5);
  entry.policy_sha256 = row.text(6);
  entry.actor = row.text(7);
  entry.failed_rules = split(row.text(8));
  entry.key_id = row.text(9);
  entry.envelope = std::string(row.blob(10));
  return entry;
}

std::optional<std::string> meta_value(sqlite3* db, const char* key) {
  sql::Statement stmt(db, "SELECT value FROM meta WHERE key = ?");
  stmt.bind(1, std::string_view(key));
  if (!stmt.step()) return std::nullopt;
  return stmt.text(0);
}

}  // namespace

LogStore LogStore::open(const std::string& path, bool create, Durability durability) {
  namespace fs = std::filesystem;
  if (!create && !fs::exists(path)) {
    throw InputError(path, 0, 0, "no audit log here",
                     "pass --log FILE (or set GATE_LOG) to a log written by `gate check`");
  }
  if (create) {
    fs::path parent = fs::path(path).parent_path();
    std::error_code error;
    if (!parent.empty()) fs::create_directories(parent, error);
  }
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_FULLMUTEX;
  int code = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  sql::Db db(raw);
  if (code != SQLITE_OK) {
    throw InputError(path, 0, 0, std::string("cannot open the audit log: ") + sqlite3_errstr(code),
                     "check the path and its permissions");
  }
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  try {
    sql::exec(db.get(), "PRAGMA foreign_keys=OFF");
    {
      sql::Statement check(db.get(), "SELECT count(*) FROM sqlite_master");
      check.step();
    }
    enable_wal(db.get(), path);
    // FULL: an acknowledged append survives power loss, not only a crash of the process.
    sql::exec(db.get(), durability == Durability::full ? "PRAGMA synchronous=FULL"
                                                       : "PRAGMA synchronous=NORMAL");
    // 64 MiB of page cache (SQLite's default is 2 MiB): the head index takes inserts at random
    // places, and verify and bulk imports walk large tables.
    sql::exec(db.get(), "PRAGMA cache_size=-65536");
    sql::Transaction schema(db.get());
    sql::exec(db.get(), kSchema);
    create_append_only_triggers(db.get());
    sql::Statement version(db.get(), "SELECT value FROM meta WHERE key = 'schema'");
    if (version.step()) {
      if (version.text(0) != kSchemaVersion) {
        throw InputError(path, 0, 0, "audit log schema " + version.text(0) + " is not supported",
                         "use the Gate version that wrote this log");
      }
    } else {
      sql::Statement insert(db.get(), "INSERT INTO meta(key, value) VALUES('schema', ?)");
      insert.bind(1, std::string_view(kSchemaVersion)).run();
    }
    version.reset();
    schema.commit();
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(path, 0, 0, std::string("not a usable Gate audit log: ") + e.what(),
                     "pass --log the file that `gate check` writes");
  }
  return LogStore(path, std::move(db));
}

LogStore::Snapshot::Snapshot(sqlite3* db) : db_(db) {
  if (sqlite3_get_autocommit(db_) == 0) return;  // inside a transaction already
  sql::exec(db_, "BEGIN DEFERRED");
  owner_ = true;
  // A deferred transaction takes its read snapshot at the first read, so read once now.
  sql::Statement first(db_, "SELECT count(*) FROM meta");
  first.step();
}

LogStore::Snapshot::~Snapshot() {
  if (owner_) sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
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
  sql::Transaction transaction(db());
  if (meta_value(db(), "log_key_id")) {
    throw InputError(path_, 0, 0, "this audit log already has an origin and a log key",
                     "init a new file, or keep using this log as it is");
  }
  write_identity(identity, log_key);
  transaction.commit();
}

void LogStore::write_identity(const LogIdentity& identity, const PrivateKey& log_key) {
  sql::Statement insert(db(), "INSERT INTO meta(key, value) VALUES(?, ?)");
  insert.bind(1, std::string_view("log_key_id")).bind(2, log_key.key_id()).run();
  insert.bind(1, std::string_view("log_public_key")).bind(2, log_key.public_key().pem()).run();
  insert.bind(1, std::string_view("origin")).bind(2, identity.origin).run();
  insert.bind(1, std::string_view("shared_key"))
      .bind(2, std::string_view(identity.allow_shared_key ? "allowed" : "refused"))
      .run();
}

bool LogStore::shared_key_allowed() {
  return meta_value(db(), "shared_key").value_or("allowed") == "allowed";
}

void LogStore::check_signer(const Envelope& envelope, const std::string& log_key_id) {
  for (const auto& signature : envelope.signatures) {
    if (signature.keyid == log_key_id) {
      throw InputError(path_, 0, 0,
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
  sql::Statement read(db(), "SELECT value FROM meta WHERE key = 'log_key_id'");
  if (read.step()) {
    if (read.text(0) != log_key.key_id()) {
      throw InputError(
          path_, 0, 0,
          "the log key " + log_key.key_id() + " is not the key of this log (" + read.text(0) + ")",
          "use the log key this log was created with");
    }
    return;
  }
  LogIdentity identity = new_log;
  if (identity.origin.empty()) {
    // A name of its own, not of its key: two logs sharing a key must not look like a fork.
    unsigned char random[8];
    if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error("RAND_bytes failed");
    identity.origin = "gate.local/audit-log/" +
                      to_hex(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
  }
  check_identity(identity, log_key);
  write_identity(identity, log_key);
}

uint64_t LogStore::size() {
  sql::Statement stmt(db(), "SELECT coalesce(max(seq) + 1, 0) FROM entries");
  stmt.step();
  return static_cast<uint64_t>(stmt.integer(0));
}

std::optional<std::string> LogStore::origin() { return meta_value(db(), "origin"); }
std::optional<std::string> LogStore::log_public_key_pem() {
  return meta_value(db(), "log_public_key");
}

sql::Statement& LogStore::cached(std::unique_ptr<sql::Statement>& slot, const char* sql) {
  if (!slot) slot = std::make_unique<sql::Statement>(db(), sql);
  return *slot;
}

Hash LogStore::read_node(int level, uint64_t index) {
  sql::Statement& stmt = cached(node_query_, "SELECT hash FROM nodes WHERE level = ? AND idx = ?");
  stmt.reset();
  stmt.bind(1, int64_t{level}).bind(2, static_cast<int64_t>(index));
  if (!stmt.step() || stmt.blob(0).size() != 32) {
    stmt.reset();
    throw std::runtime_error("audit log: subtree hash (" + std::to_string(level) + ", " +
                             std::to_string(index) + ") is missing; run `gate log verify`");
  }
  Hash hash = hash_from_bytes(stmt.blob(0));
  stmt.reset();
  return hash;
}

LogStore::Frontier LogStore::read_frontier(uint64_t size) {
  Frontier frontier(64);
  for (int level = 0; level < 64; ++level) {
    if ((size >> level) & 1) frontier[level] = read_node(level, (size >> level) - 1);
  }
  return frontier;
}

void LogStore::insert_entry(std::string_view envelope_json, uint64_t seq, Frontier& frontier,
                            const std::string& refused_signer) {
  Envelope envelope = parse_envelope(envelope_json, "envelope");
  if (!refused_signer.empty()) check_signer(envelope, refused_signer);
  DecisionSummary summary = summarize_decision(envelope, "envelope");
  cached(entry_insert_,
         "INSERT INTO entries(seq, time, repository, base, head, verdict, policy_sha256, actor, "
         "failed_rules, key_id, envelope) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, static_cast<int64_t>(seq))
      .bind(2, summary.time)
      .bind(3, summary.repository)
      .bind(4, summary.base)
      .bind(5, summary.head)
      .bind(6, summary.verdict)
      .bind(7, summary.policy_sha256)
      .bind(8, summary.actor)
      .bind(9, join(summary.failed_rules))
      .bind(10, envelope.signatures.empty() ? std::string() : envelope.signatures[0].keyid)
      .bind_blob(11, envelope_json)
      .run();
  sql::Statement& rule =
      cached(rule_insert_, "INSERT OR IGNORE INTO entry_rules(rule, seq) VALUES(?, ?)");
  for (const auto& id : summary.failed_rules)
    rule.bind(1, id).bind(2, static_cast<int64_t>(seq)).run();

  // Store the leaf and every complete subtree it closes: while bit `level` of seq is set, the
  // frontier holds the left sibling at that level.
  sql::Statement& node =
      cached(node_insert_, "INSERT INTO nodes(level, idx, hash) VALUES(?, ?, ?)");
  Hash current = merkle::leaf_hash(envelope_json);
  node.bind(1, int64_t{0}).bind(2, static_cast<int64_t>(seq)).bind_blob(3, as_bytes(current)).run();
  uint64_t size = seq + 1;
  int level = 0;
  for (; (seq >> level) & 1; ++level) {
    current = merkle::node_hash(frontier[level], current);
    node.bind(1, int64_t{level + 1})
        .bind(2, static_cast<int64_t>((size >> (level + 1)) - 1))
        .bind_blob(3, as_bytes(current))
        .run();
  }
  frontier[level] = current;
}

void LogStore::store_checkpoint(uint64_t size, const PrivateKey& log_key) {
  Checkpoint checkpoint;
  checkpoint.origin = *origin();
  checkpoint.size = size;
  checkpoint.root = root(size);
  sql::Statement insert(db(), "INSERT INTO checkpoints(size, note) VALUES(?, ?)");
  insert.bind(1, static_cast<int64_t>(size)).bind(2, sign_checkpoint(checkpoint, log_key)).run();
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
    sql::Transaction transaction(db());
    bind_log_key(log_key, new_log);
    uint64_t first = size();
    Frontier frontier = read_frontier(first);
    std::string refused_signer = shared_key_allowed() ? std::string() : log_key.key_id();
    for (size_t i = 0; i < envelopes.size(); ++i) {
      insert_entry(envelopes[i], first + i, frontier, refused_signer);
    }
    store_checkpoint(first + envelopes.size(), log_key);
    if (in_same_transaction) in_same_transaction(first);
    transaction.commit();
    return first;
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(path_, 0, 0, std::string("cannot append to the audit log: ") + e.what(),
                     "check that the file is writable and not damaged (`gate log verify`)");
  }
}

merkle::SubtreeSource LogStore::subtree_source() {
  return [this](int level, uint64_t index) { return read_node(level, index); };
}

Hash LogStore::root(uint64_t size) { return merkle::root(subtree_source(), size); }

std::vector<Hash> LogStore::inclusion_proof(uint64_t index, uint64_t size) {
  return merkle::inclusion_proof(subtree_source(), index, size);
}

std::vector<Hash> LogStore::consistency_proof(uint64_t old_size, uint64_t new_size) {
  return merkle::consistency_proof(subtree_source(), old_size, new_size);
}

std::optional<Hash> LogStore::leaf_hash(uint64_t seq) {
  sql::Statement stmt(db(), "SELECT hash FROM nodes WHERE level = 0 AND idx = ?");
  stmt.bind(1, static_cast<int64_t>(seq));
  if (!stmt.step() || stmt.blob(0).size() != 32) return std::nullopt;
  return hash_from_bytes(stmt.blob(0));
}

std::optional<std::string> LogStore::latest_checkpoint() {
  sql::Statement stmt(db(), "SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1");
  if (!stmt.step()) return std::nullopt;
  return stmt.text(0);
}

std::optional<std::string> LogStore::checkpoint(uint64_t size) {
  sql::Statement stmt(db(), "SELECT note FROM checkpoints WHERE size = ?");
  stmt.bind(1, static_cast<int64_t>(size));
  if (!stmt.step()) return std::nullopt;
  return stmt.text(0);
}

std::vector<uint64_t> LogStore::checkpoint_sizes() {
  std::vector<uint64_t> sizes;
  sql::Statement stmt(db(), "SELECT size FROM checkpoints ORDER BY size");
  while (stmt.step()) sizes.push_back(static_cast<uint64_t>(stmt.integer(0)));
  return sizes;
}

std::optional<LogEntry> LogStore::entry(uint64_t seq) {
  sql::Statement stmt(db(), std::string("SELECT ") + kEntryColumns + " FROM entries WHERE seq = ?");
  stmt.bind(1, static_cast<int64_t>(seq));
  if (!stmt.step()) return std::nullopt;
  return read_entry(stmt);
}

std::vector<LogEntry> LogStore::query(const LogQuery& query) {
  std::string sql = std::string("SELECT ") + kEntryColumns + " FROM entries WHERE 1";
  std::vector<std::string> texts;
  std::vector<int64_t> numbers;
  std::vector<std::pair<bool, size_t>> order;  // (is text, index) per placeholder
  auto text = [&](const std::string& clause, const std::string& value) {
    sql += clause;
    order.emplace_back(true, texts.size());
    texts.push_back(value);
  };
  auto number = [&](const std::string& clause, int64_t value) {
    sql += clause;
    order.emplace_back(false, numbers.size());
    numbers.push_back(value);
  };
  if (query.repository) text(" AND repository = ?", *query.repository);
  if (query.commit) {
    if (query.commit->size() >= 40) {
      text(" AND head = ?", *query.commit);
    } else {
      // A prefix: a range over the head index.
      text(" AND head >= ?", *query.commit);
      text(" AND head < ?", *query.commit + "\x7f");
    }
  }
  if (query.verdict) text(" AND verdict = ?", *query.verdict);
  if (query.actor) text(" AND actor = ?", *query.actor);
  if (query.rule) text(" AND seq IN (SELECT seq FROM entry_rules WHERE rule = ?)", *query.rule);
  if (query.since) number(" AND time >= ?", *query.since);
  if (query.until) number(" AND time <= ?", *query.until);
  if (query.after) {
    number(" AND time >= ?", query.after->first);
    number(" AND (time > ?", query.after->first);
    number(" OR seq > ?)", static_cast<int64_t>(query.after->second));
  }
  sql += " ORDER BY time, seq";
  if (query.limit > 0) number(" LIMIT ?", static_cast<int64_t>(query.limit));
  sql::Statement stmt(db(), sql);
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i].first) {
      stmt.bind(static_cast<int>(i + 1), texts[order[i].second]);
    } else {
      stmt.bind(static_cast<int>(i + 1), numbers[order[i].second]);
    }
  }
  std::vector<LogEntry> entries;
  while (stmt.step()) entries.push_back(read_entry(stmt));
  return entries;
}

void LogStore::for_each_entry(const std::function<void(const LogEntry&)>& visit) {
  sql::Statement stmt(db(), std::string("SELECT ") + kEntryColumns + " FROM entries ORDER BY seq");
  while (stmt.step()) visit(read_entry(stmt));
}

void LogStore::for_each_node(
    bool leaves,
    const std::function<void(int level, uint64_t index, std::string_view hash)>& visit) {
  sql::Statement stmt(db(), leaves
                                ? "SELECT level, idx, hash FROM nodes WHERE level = 0 ORDER BY idx"
                                : "SELECT level, idx, hash FROM nodes WHERE level > 0 "
                                  "ORDER BY level, idx");
  while (stmt.step()) {
    visit(static_cast<int>(stmt.integer(0)), static_cast<uint64_t>(stmt.integer(1)), stmt.blob(2));
  }
}

void LogStore::for_each_rule(
    const std::function<void(uint64_t seq, const std::string& rule)>& visit) {
  sql::Statement stmt(db(), "SELECT seq, rule FROM entry_rules ORDER BY seq, rule");
  while (stmt.step()) visit(static_cast<uint64_t>(stmt.integer(0)), stmt.text(1));
}

void LogStore::for_each_checkpoint(
    const std::function<void(uint64_t size, const std::string& note)>& visit) {
  sql::Statement stmt(db(), "SELECT size, note FROM checkpoints ORDER BY size");
  while (stmt.step()) visit(static_cast<uint64_t>(stmt.integer(0)), stmt.text(1));
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
