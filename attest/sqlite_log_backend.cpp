#include "attest/sqlite_log_backend.hpp"

#include <chrono>
#include <filesystem>
#include <thread>

#include "attest/dsse.hpp"
#include "attest/log_query_sql.hpp"
#include "attest/sqlite.hpp"
#include "attest/statement.hpp"
#include "gate/types/errors.hpp"

namespace gate::attest {

namespace {

constexpr int kBusyTimeoutMs = 120000;
constexpr const char* kSchemaVersion = "1";

constexpr const char* kSchema =
    R"sql(
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
CREATE INDEX IF NOT EXISTS entries_policy ON entries(policy_sha256);
CREATE TABLE IF NOT EXISTS entry_rules(rule TEXT NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY(rule, seq)) WITHOUT ROWID;
)sql"
    // The search indexes: (filter, time, seq) then the other filters' columns, so a search finds
    // its page in one index without reading an entry (with its envelope) to reject it.
    R"sql(
CREATE INDEX IF NOT EXISTS entries_search_time ON entries(time, seq, repository, verdict, actor);
CREATE INDEX IF NOT EXISTS entries_search_repository
  ON entries(repository, time, seq, verdict, actor);
CREATE INDEX IF NOT EXISTS entries_search_actor ON entries(actor, time, seq, repository, verdict);
CREATE INDEX IF NOT EXISTS entries_search_verdict
  ON entries(verdict, time, seq, repository, actor);
DROP INDEX IF EXISTS entries_time;
DROP INDEX IF EXISTS entries_repository;
DROP INDEX IF EXISTS entries_actor;
DROP INDEX IF EXISTS entries_verdict;
CREATE TABLE IF NOT EXISTS entry_rule_times(rule TEXT NOT NULL, time INTEGER NOT NULL,
  seq INTEGER NOT NULL, PRIMARY KEY(rule, time, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entry_changes(seq INTEGER PRIMARY KEY, change_id TEXT NOT NULL,
  time INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS entry_changes_by_id ON entry_changes(change_id, time, seq);
CREATE TABLE IF NOT EXISTS nodes(level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,
  PRIMARY KEY(level, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints(size INTEGER PRIMARY KEY, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS service_identities(
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  repository TEXT NOT NULL,
  workflow_ref TEXT NOT NULL,
  ref TEXT NOT NULL,
  run_id TEXT NOT NULL,
  actor TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS service_identities_subject ON service_identities(subject);
CREATE INDEX IF NOT EXISTS service_identities_repository ON service_identities(repository);
CREATE INDEX IF NOT EXISTS service_identities_actor ON service_identities(actor);
)sql";

// Logs written before the search indexes hold no entry_changes and entry_rule_times rows for
// their entries; this meta key says the rows were added (search_index_backfill).
constexpr const char* kSearchIndexKey = "search_index";

// Every table refuses UPDATE and DELETE: the code only ever inserts.
void create_append_only_triggers(sqlite3* db) {
  for (const char* table : {"meta", "entries", "entry_rules", "nodes", "checkpoints",
                            "service_identities", "entry_rule_times", "entry_changes"}) {
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
  entry.failed_rules = split_rules(row.text(8));
  entry.key_id = row.text(9);
  entry.envelope = std::string(row.blob(10));
  entry.change_id = row.text(11);
  return entry;
}

void insert_search_rows(sqlite3* db, uint64_t seq, int64_t time,
                        const std::vector<std::string>& failed_rules, const std::string& change_id,
                        std::unique_ptr<sql::Statement>& rule_slot,
                        std::unique_ptr<sql::Statement>& change_slot) {
  if (!rule_slot) {
    rule_slot = std::make_unique<sql::Statement>(
        db, "INSERT OR IGNORE INTO entry_rule_times(rule, time, seq) VALUES(?, ?, ?)");
  }
  if (!change_slot) {
    change_slot = std::make_unique<sql::Statement>(
        db, "INSERT INTO entry_changes(seq, change_id, time) VALUES(?, ?, ?)");
  }
  for (const auto& rule : failed_rules)
    rule_slot->bind(1, rule).bind(2, time).bind(3, static_cast<int64_t>(seq)).run();
  if (!change_id.empty())
    change_slot->bind(1, static_cast<int64_t>(seq)).bind(2, change_id).bind(3, time).run();
}

// A log written before the search indexes: their rows for every entry, from the entries' rules
// and the pull/merge request their signed statements name. Once, in the open's transaction.
void search_index_backfill(sqlite3* db, const std::string& path) {
  {
    sql::Statement done(db, "SELECT 1 FROM meta WHERE key = ?");
    done.bind(1, std::string_view(kSearchIndexKey));
    if (done.step()) return;
  }
  std::unique_ptr<sql::Statement> rule_insert;
  std::unique_ptr<sql::Statement> change_insert;
  sql::Statement rows(db, "SELECT seq, time, failed_rules, envelope FROM entries ORDER BY seq");
  while (rows.step()) {
    uint64_t seq = static_cast<uint64_t>(rows.integer(0));
    std::string origin = path + " entry " + std::to_string(seq);
    Envelope envelope = parse_envelope(rows.blob(3), origin);
    insert_search_rows(db, seq, rows.integer(1), split_rules(rows.text(2)),
                       summarize_decision(envelope, origin).change_id, rule_insert, change_insert);
  }
  sql::Statement mark(db, "INSERT INTO meta(key, value) VALUES(?, '1')");
  mark.bind(1, std::string_view(kSearchIndexKey)).run();
}

class SqliteLogBackend final : public LogBackend {
 public:
  SqliteLogBackend(std::string path, sql::Db db) : path_(std::move(path)), db_(std::move(db)) {}

  const std::string& location() const override { return path_; }
  std::string engine() const override { return "sqlite"; }
  sqlite3* db() const { return db_.get(); }

  void begin_write() override {
    sql::exec(db(), "BEGIN IMMEDIATE");
    next_seq_.reset();
  }
  void commit() override { sql::exec(db(), "COMMIT"); }
  void rollback() noexcept override { sqlite3_exec(db(), "ROLLBACK", nullptr, nullptr, nullptr); }
  uint64_t reserve_sequence() override {
    // BEGIN IMMEDIATE holds the file's write lock: the numbers after the last entry are ours.
    if (!next_seq_) next_seq_ = size();
    return (*next_seq_)++;
  }

  void begin_read() override {
    sql::exec(db(), "BEGIN DEFERRED");
    // A deferred transaction takes its read snapshot at the first read, so read once now.
    sql::Statement first(db(), "SELECT count(*) FROM meta");
    first.step();
  }
  void end_read() noexcept override { sqlite3_exec(db(), "COMMIT", nullptr, nullptr, nullptr); }
  bool in_transaction() const override { return sqlite3_get_autocommit(db()) == 0; }

  std::optional<std::string> meta(std::string_view key) override {
    sql::Statement& stmt = cached(meta_query_, "SELECT value FROM meta WHERE key = ?");
    stmt.reset();
    stmt.bind(1, key);
    std::optional<std::string> value;
    if (stmt.step()) value = stmt.text(0);
    stmt.reset();
    return value;
  }
  void put_meta(std::string_view key, std::string_view value) override {
    sql::Statement insert(db(), "INSERT INTO meta(key, value) VALUES(?, ?)");
    insert.bind(1, key).bind(2, value).run();
  }

  uint64_t size() override {
    sql::Statement stmt(db(), "SELECT coalesce(max(seq) + 1, 0) FROM entries");
    stmt.step();
    return static_cast<uint64_t>(stmt.integer(0));
  }

  void insert_entry(const LogEntry& entry) override {
    cached(entry_insert_,
           "INSERT INTO entries(seq, time, repository, base, head, verdict, policy_sha256, actor, "
           "failed_rules, key_id, envelope) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, static_cast<int64_t>(entry.seq))
        .bind(2, entry.time)
        .bind(3, entry.repository)
        .bind(4, entry.base)
        .bind(5, entry.head)
        .bind(6, entry.verdict)
        .bind(7, entry.policy_sha256)
        .bind(8, entry.actor)
        .bind(9, join_rules(entry.failed_rules))
        .bind(10, entry.key_id)
        .bind_blob(11, entry.envelope)
        .run();
    sql::Statement& rule =
        cached(rule_insert_, "INSERT OR IGNORE INTO entry_rules(rule, seq) VALUES(?, ?)");
    for (const auto& id : entry.failed_rules)
      rule.bind(1, id).bind(2, static_cast<int64_t>(entry.seq)).run();
    insert_search_rows(db(), entry.seq, entry.time, entry.failed_rules, entry.change_id,
                       rule_time_insert_, change_insert_);
  }

  void insert_node(int level, uint64_t index, const Hash& hash) override {
    cached(node_insert_, "INSERT INTO nodes(level, idx, hash) VALUES(?, ?, ?)")
        .bind(1, int64_t{level})
        .bind(2, static_cast<int64_t>(index))
        .bind_blob(3, as_bytes(hash))
        .run();
  }

  std::optional<Hash> node(int level, uint64_t index) override {
    sql::Statement& stmt =
        cached(node_query_, "SELECT hash FROM nodes WHERE level = ? AND idx = ?");
    stmt.reset();
    stmt.bind(1, int64_t{level}).bind(2, static_cast<int64_t>(index));
    std::optional<Hash> hash;
    if (stmt.step() && stmt.blob(0).size() == 32) hash = hash_from_bytes(stmt.blob(0));
    stmt.reset();
    return hash;
  }

  void insert_checkpoint(uint64_t size, const std::string& note) override {
    sql::Statement insert(db(), "INSERT INTO checkpoints(size, note) VALUES(?, ?)");
    insert.bind(1, static_cast<int64_t>(size)).bind(2, note).run();
  }
  std::optional<std::string> latest_checkpoint() override {
    sql::Statement stmt(db(), "SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1");
    if (!stmt.step()) return std::nullopt;
    return stmt.text(0);
  }
  std::optional<std::string> checkpoint(uint64_t size) override {
    sql::Statement stmt(db(), "SELECT note FROM checkpoints WHERE size = ?");
    stmt.bind(1, static_cast<int64_t>(size));
    if (!stmt.step()) return std::nullopt;
    return stmt.text(0);
  }

  std::optional<LogEntry> entry(uint64_t seq) override {
    sql::Statement stmt(db(), std::string("SELECT ") + kEntryColumns + " FROM " + kEntrySource +
                                  " WHERE e.seq = ?");
    stmt.bind(1, static_cast<int64_t>(seq));
    if (!stmt.step()) return std::nullopt;
    return read_entry(stmt);
  }

  std::vector<LogEntry> query(const LogQuery& query) override {
    QuerySql where = query_sql(query, SqlDialect::sqlite);
    sql::Statement stmt(
        db(), std::string("SELECT ") + kEntryColumns + " FROM " + kEntrySource + where.clauses);
    for (size_t i = 0; i < where.params.size(); ++i) {
      int index = static_cast<int>(i + 1);
      if (const auto* text = std::get_if<std::string>(&where.params[i])) {
        stmt.bind(index, *text);
      } else {
        stmt.bind(index, std::get<int64_t>(where.params[i]));
      }
    }
    std::vector<LogEntry> entries;
    while (stmt.step()) entries.push_back(read_entry(stmt));
    return entries;
  }

  void for_each_entry(const std::function<void(const LogEntry&)>& visit) override {
    sql::Statement stmt(
        db(), std::string("SELECT ") + kEntryColumns + " FROM " + kEntrySource + " ORDER BY e.seq");
    while (stmt.step()) visit(read_entry(stmt));
  }

  void for_each_node(
      bool leaves,
      const std::function<void(int level, uint64_t index, std::string_view hash)>& visit) override {
    sql::Statement stmt(db(), leaves ? "SELECT level, idx, hash FROM nodes WHERE level = 0 "
                                       "ORDER BY idx"
                                     : "SELECT level, idx, hash FROM nodes WHERE level > 0 "
                                       "ORDER BY level, idx");
    while (stmt.step()) {
      visit(static_cast<int>(stmt.integer(0)), static_cast<uint64_t>(stmt.integer(1)),
            stmt.blob(2));
    }
  }

  void for_each_rule(
      const std::function<void(uint64_t seq, const std::string& rule)>& visit) override {
    sql::Statement stmt(db(), "SELECT seq, rule FROM entry_rules ORDER BY seq, rule");
    while (stmt.step()) visit(static_cast<uint64_t>(stmt.integer(0)), stmt.text(1));
  }

  void for_each_rule_time(const std::function<void(uint64_t seq, const std::string& rule,
                                                   int64_t time)>& visit) override {
    sql::Statement stmt(db(), "SELECT seq, rule, time FROM entry_rule_times ORDER BY seq, rule");
    while (stmt.step())
      visit(static_cast<uint64_t>(stmt.integer(0)), stmt.text(1), stmt.integer(2));
  }

  void for_each_checkpoint(
      const std::function<void(uint64_t size, const std::string& note)>& visit) override {
    sql::Statement stmt(db(), "SELECT size, note FROM checkpoints ORDER BY size");
    while (stmt.step()) visit(static_cast<uint64_t>(stmt.integer(0)), stmt.text(1));
  }

  void insert_identity(uint64_t seq, const SubmitterIdentity& identity) override {
    sql::Statement insert(
        db(),
        "INSERT INTO service_identities(seq, kind, issuer, subject, repository, workflow_ref, "
        "ref, run_id, actor) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, static_cast<int64_t>(seq))
        .bind(2, identity.kind)
        .bind(3, identity.issuer)
        .bind(4, identity.subject)
        .bind(5, identity.repository)
        .bind(6, identity.workflow_ref)
        .bind(7, identity.ref)
        .bind(8, identity.run_id)
        .bind(9, identity.actor)
        .run();
  }

  std::optional<SubmitterIdentity> identity(uint64_t seq) override {
    sql::Statement select(
        db(),
        "SELECT kind, issuer, subject, repository, workflow_ref, ref, run_id, actor "
        "FROM service_identities WHERE seq = ?");
    select.bind(1, static_cast<int64_t>(seq));
    if (!select.step()) return std::nullopt;
    return SubmitterIdentity{select.text(0), select.text(1), select.text(2), select.text(3),
                             select.text(4), select.text(5), select.text(6), select.text(7)};
  }

  std::map<uint64_t, SubmitterIdentity> identities(const std::vector<uint64_t>& seqs) override {
    // In-process lookups: one prepared statement per entry costs no round trip.
    std::map<uint64_t, SubmitterIdentity> out;
    for (uint64_t seq : seqs) {
      if (auto found = identity(seq)) out.emplace(seq, std::move(*found));
    }
    return out;
  }

  std::vector<uint64_t> sequences_by_identity(const std::string& who) override {
    sql::Statement select(db(),
                          "SELECT seq FROM service_identities WHERE subject = ?1 "
                          "UNION SELECT seq FROM service_identities WHERE repository = ?1 "
                          "UNION SELECT seq FROM service_identities WHERE actor = ?1 "
                          "ORDER BY seq");
    select.bind(1, who);
    std::vector<uint64_t> out;
    while (select.step()) out.push_back(static_cast<uint64_t>(select.integer(0)));
    return out;
  }

 private:
  // Prepared once per connection and reused by every append and proof: preparing costs more
  // than running these one-row statements.
  sql::Statement& cached(std::unique_ptr<sql::Statement>& slot, const char* text) {
    if (!slot) slot = std::make_unique<sql::Statement>(db(), text);
    return *slot;
  }

  std::string path_;
  sql::Db db_;
  std::optional<uint64_t> next_seq_;
  std::unique_ptr<sql::Statement> meta_query_;
  std::unique_ptr<sql::Statement> node_query_;
  std::unique_ptr<sql::Statement> entry_insert_;
  std::unique_ptr<sql::Statement> rule_insert_;
  std::unique_ptr<sql::Statement> node_insert_;
  std::unique_ptr<sql::Statement> rule_time_insert_;
  std::unique_ptr<sql::Statement> change_insert_;
};

}  // namespace

sqlite3* sqlite_handle(LogBackend& backend) {
  auto* sqlite = dynamic_cast<SqliteLogBackend*>(&backend);
  return sqlite ? sqlite->db() : nullptr;
}

std::unique_ptr<LogBackend> open_sqlite_log(const std::string& path, bool create,
                                            Durability durability) {
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
    search_index_backfill(db.get(), path);
    schema.commit();
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(path, 0, 0, std::string("not a usable Gate audit log: ") + e.what(),
                     "pass --log the file that `gate check` writes");
  }
  return std::make_unique<SqliteLogBackend>(path, std::move(db));
}

}  // namespace gate::attest
