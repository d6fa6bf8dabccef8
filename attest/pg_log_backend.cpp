#include "attest/pg_log_backend.hpp"

#include <regex>

#include "attest/log_query_sql.hpp"
#include "attest/pg.hpp"
#include "attest/pg_schema.hpp"
#include "gate/types/errors.hpp"

namespace gate::attest {

namespace {

constexpr const char* kSchemaVersion = "1";
// Rows fetched per round trip when streaming a table.
constexpr int kFetchRows = 2048;

std::string number(int64_t value) { return std::to_string(value); }
std::string number(uint64_t value) { return std::to_string(value); }

LogEntry read_entry(const pg::Result& rows, int row) {
  LogEntry entry;
  entry.seq = static_cast<uint64_t>(rows.integer(row, 0));
  entry.time = rows.integer(row, 1);
  entry.repository = rows.text(row, 2);
  entry.base = rows.text(row, 3);
  entry.head = rows.text(row, 4);
  entry.verdict = rows.text(row, 5);
  entry.policy_sha256 = rows.text(row, 6);
  entry.actor = rows.text(row, 7);
  entry.failed_rules = split_rules(rows.text(row, 8));
  entry.key_id = rows.text(row, 9);
  entry.envelope = pg::bytea_value(rows.text(row, 10));
  entry.change_id = rows.text(row, 11);
  return entry;
}

class PgLogBackend final : public LogBackend {
 public:
  PgLogBackend(std::string location, pg::Connection conn)
      : location_(std::move(location)), conn_(std::move(conn)) {}

  const std::string& location() const override { return location_; }
  std::string engine() const override { return "postgresql"; }

  void begin_write() override {
    conn().exec("BEGIN");
    open_transaction_ = true;
  }
  void commit() override {
    open_transaction_ = false;
    conn_.exec("COMMIT");
  }
  void rollback() noexcept override {
    open_transaction_ = false;
    PQclear(PQexec(conn_.get(), "ROLLBACK"));
  }
  uint64_t reserve_sequence() override {
    // Locks the sequence row until this transaction ends: the next writer waits here, and then
    // reads the nodes this one wrote.
    return static_cast<uint64_t>(
        conn().exec_prepared("next_seq", "SELECT gate_log_next_seq()", {}).integer(0, 0));
  }

  void begin_read() override {
    conn().exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    open_transaction_ = true;
  }
  void end_read() noexcept override {
    open_transaction_ = false;
    PQclear(PQexec(conn_.get(), "COMMIT"));
  }
  bool in_transaction() const override { return open_transaction_; }

  std::optional<std::string> meta(std::string_view key) override {
    auto rows = conn().exec_prepared("meta", "SELECT value FROM log_meta WHERE key = $1",
                                     {std::string(key)});
    if (rows.rows() == 0) return std::nullopt;
    return rows.text(0, 0);
  }
  void put_meta(std::string_view key, std::string_view value) override {
    conn().exec("INSERT INTO log_meta(key, value) VALUES($1, $2)",
                {std::string(key), std::string(value)});
  }

  uint64_t size() override {
    return static_cast<uint64_t>(
        conn()
            .exec_prepared("size", "SELECT coalesce(max(seq) + 1, 0) FROM entries", {})
            .integer(0, 0));
  }

  void insert_entry(const LogEntry& entry) override {
    conn().exec_prepared(
        "insert_entry",
        "INSERT INTO entries(seq, time, repository, base, head, verdict, "
        "policy_sha256, actor, failed_rules, key_id, envelope) "
        "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::bytea)",
        {number(entry.seq), number(entry.time), entry.repository, entry.base, entry.head,
         entry.verdict, entry.policy_sha256, entry.actor, join_rules(entry.failed_rules),
         entry.key_id, pg::bytea_param(entry.envelope)});
    for (const auto& rule : entry.failed_rules) {
      conn().exec_prepared("insert_rule",
                           "INSERT INTO entry_rules(rule, seq) VALUES($1, $2) "
                           "ON CONFLICT DO NOTHING",
                           {rule, number(entry.seq)});
      conn().exec_prepared("insert_rule_time",
                           "INSERT INTO entry_rule_times(rule, time, seq) VALUES($1, $2, $3) "
                           "ON CONFLICT DO NOTHING",
                           {rule, number(entry.time), number(entry.seq)});
    }
    if (!entry.change_id.empty()) {
      conn().exec_prepared("insert_change",
                           "INSERT INTO entry_changes(seq, change_id, time) VALUES($1, $2, $3)",
                           {number(entry.seq), entry.change_id, number(entry.time)});
    }
  }

  void insert_node(int level, uint64_t index, const Hash& hash) override {
    conn().exec_prepared("insert_node",
                         "INSERT INTO nodes(level, idx, hash) VALUES($1, $2, $3::bytea)",
                         {number(int64_t{level}), number(index), pg::bytea_param(as_bytes(hash))});
  }

  std::optional<Hash> node(int level, uint64_t index) override {
    auto rows = conn().exec_prepared("node", "SELECT hash FROM nodes WHERE level = $1 AND idx = $2",
                                     {number(int64_t{level}), number(index)});
    if (rows.rows() == 0) return std::nullopt;
    std::string bytes = pg::bytea_value(rows.text(0, 0));
    if (bytes.size() != 32) return std::nullopt;
    return hash_from_bytes(bytes);
  }

  std::vector<std::optional<Hash>> nodes(
      const std::vector<std::pair<int, uint64_t>>& wanted) override {
    std::vector<std::optional<Hash>> found(wanted.size());
    if (wanted.empty()) return found;
    // Array literals: "{0,3,1}" and "{5,1,2}".
    std::string levels;
    std::string indexes;
    for (const auto& [level, index] : wanted) {
      levels.append(levels.empty() ? "{" : ",").append(std::to_string(level));
      indexes.append(indexes.empty() ? "{" : ",").append(std::to_string(index));
    }
    levels.push_back('}');
    indexes.push_back('}');
    auto rows = conn().exec_prepared(
        "nodes",
        "SELECT wanted.position, nodes.hash "
        "FROM unnest($1::smallint[], $2::bigint[]) WITH ORDINALITY AS wanted(level, idx, position) "
        "JOIN nodes ON nodes.level = wanted.level AND nodes.idx = wanted.idx",
        {levels, indexes});
    for (int row = 0; row < rows.rows(); ++row) {
      auto position = static_cast<size_t>(rows.integer(row, 0));
      std::string bytes = pg::bytea_value(rows.text(row, 1));
      if (position >= 1 && position <= found.size() && bytes.size() == 32) {
        found[position - 1] = hash_from_bytes(bytes);
      }
    }
    return found;
  }

  void insert_checkpoint(uint64_t size, const std::string& note) override {
    conn().exec_prepared("insert_checkpoint", "INSERT INTO checkpoints(size, note) VALUES($1, $2)",
                         {number(size), note});
  }
  std::optional<std::string> latest_checkpoint() override {
    auto rows = conn().exec_prepared("latest_checkpoint",
                                     "SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1", {});
    if (rows.rows() == 0) return std::nullopt;
    return rows.text(0, 0);
  }
  std::optional<std::string> checkpoint(uint64_t size) override {
    auto rows = conn().exec_prepared("checkpoint", "SELECT note FROM checkpoints WHERE size = $1",
                                     {number(size)});
    if (rows.rows() == 0) return std::nullopt;
    return rows.text(0, 0);
  }

  std::optional<LogEntry> entry(uint64_t seq) override {
    auto rows = conn().exec_prepared(
        "entry",
        std::string("SELECT ") + kEntryColumns + " FROM " + kEntrySource + " WHERE e.seq = $1",
        {number(seq)});
    if (rows.rows() == 0) return std::nullopt;
    return read_entry(rows, 0);
  }

  std::vector<LogEntry> query(const LogQuery& query) override {
    QuerySql where = query_sql(query, SqlDialect::postgresql);
    std::vector<pg::Param> params;
    for (const auto& param : where.params) {
      if (const auto* text = std::get_if<std::string>(&param)) {
        params.emplace_back(*text);
      } else {
        params.emplace_back(number(std::get<int64_t>(param)));
      }
    }
    auto rows = conn().exec(
        std::string("SELECT ") + kEntryColumns + " FROM " + kEntrySource + where.clauses, params);
    std::vector<LogEntry> entries;
    entries.reserve(static_cast<size_t>(rows.rows()));
    for (int row = 0; row < rows.rows(); ++row) entries.push_back(read_entry(rows, row));
    return entries;
  }

  void for_each_entry(const std::function<void(const LogEntry&)>& visit) override {
    stream(std::string("SELECT ") + kEntryColumns + " FROM " + kEntrySource + " ORDER BY e.seq",
           [&](const pg::Result& rows, int row) { visit(read_entry(rows, row)); });
  }

  void for_each_node(
      bool leaves,
      const std::function<void(int level, uint64_t index, std::string_view hash)>& visit) override {
    stream(leaves ? "SELECT level, idx, hash FROM nodes WHERE level = 0 ORDER BY idx"
                  : "SELECT level, idx, hash FROM nodes WHERE level > 0 ORDER BY level, idx",
           [&](const pg::Result& rows, int row) {
             std::string hash = pg::bytea_value(rows.text(row, 2));
             visit(static_cast<int>(rows.integer(row, 0)),
                   static_cast<uint64_t>(rows.integer(row, 1)), hash);
           });
  }

  void for_each_rule(
      const std::function<void(uint64_t seq, const std::string& rule)>& visit) override {
    stream("SELECT seq, rule FROM entry_rules ORDER BY seq, rule",
           [&](const pg::Result& rows, int row) {
             visit(static_cast<uint64_t>(rows.integer(row, 0)), rows.text(row, 1));
           });
  }

  void for_each_rule_time(const std::function<void(uint64_t seq, const std::string& rule,
                                                   int64_t time)>& visit) override {
    stream("SELECT seq, rule, time FROM entry_rule_times ORDER BY seq, rule",
           [&](const pg::Result& rows, int row) {
             visit(static_cast<uint64_t>(rows.integer(row, 0)), rows.text(row, 1),
                   rows.integer(row, 2));
           });
  }

  void for_each_checkpoint(
      const std::function<void(uint64_t size, const std::string& note)>& visit) override {
    stream("SELECT size, note FROM checkpoints ORDER BY size",
           [&](const pg::Result& rows, int row) {
             visit(static_cast<uint64_t>(rows.integer(row, 0)), rows.text(row, 1));
           });
  }

  void insert_identity(uint64_t seq, const SubmitterIdentity& identity) override {
    conn().exec_prepared(
        "insert_identity",
        "INSERT INTO identities(seq, kind, issuer, subject, repository, "
        "workflow_ref, ref, run_id, actor) "
        "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        {number(seq), identity.kind, identity.issuer, identity.subject, identity.repository,
         identity.workflow_ref, identity.ref, identity.run_id, identity.actor});
  }

  std::optional<SubmitterIdentity> identity(uint64_t seq) override {
    auto rows = conn().exec_prepared(
        "identity",
        "SELECT kind, issuer, subject, repository, workflow_ref, ref, run_id, actor "
        "FROM identities WHERE seq = $1",
        {number(seq)});
    if (rows.rows() == 0) return std::nullopt;
    return SubmitterIdentity{rows.text(0, 0), rows.text(0, 1), rows.text(0, 2), rows.text(0, 3),
                             rows.text(0, 4), rows.text(0, 5), rows.text(0, 6), rows.text(0, 7)};
  }

  std::map<uint64_t, SubmitterIdentity> identities(const std::vector<uint64_t>& seqs) override {
    std::map<uint64_t, SubmitterIdentity> out;
    if (seqs.empty()) return out;
    std::string array = "{";
    for (uint64_t seq : seqs) {
      if (array.size() > 1) array += ',';
      array += std::to_string(seq);
    }
    array += "}";
    auto rows = conn().exec_prepared(
        "identities",
        "SELECT seq, kind, issuer, subject, repository, workflow_ref, ref, run_id, actor "
        "FROM identities WHERE seq = ANY($1::bigint[])",
        {array});
    for (int row = 0; row < rows.rows(); ++row) {
      out.emplace(static_cast<uint64_t>(rows.integer(row, 0)),
                  SubmitterIdentity{rows.text(row, 1), rows.text(row, 2), rows.text(row, 3),
                                    rows.text(row, 4), rows.text(row, 5), rows.text(row, 6),
                                    rows.text(row, 7), rows.text(row, 8)});
    }
    return out;
  }

  std::vector<uint64_t> sequences_by_identity(const std::string& who) override {
    auto rows = conn().exec(
        "SELECT seq FROM identities WHERE subject = $1 OR repository = $1 OR actor = $1 "
        "ORDER BY seq",
        {who});
    std::vector<uint64_t> out;
    for (int row = 0; row < rows.rows(); ++row) {
      out.push_back(static_cast<uint64_t>(rows.integer(row, 0)));
    }
    return out;
  }

 private:
  // The connection, made again first when the server went away since the last statement (a
  // restart, a failover). Never inside a transaction: that one failed with the connection, and
  // its caller rolls back.
  pg::Connection& conn() {
    if (!open_transaction_ && !conn_.reconnect_if_broken()) {
      throw pg::Error("the connection to PostgreSQL is lost and could not be made again", "08006");
    }
    return conn_;
  }

  // Streams a query through a cursor, kFetchRows at a time, so the visitor may run other
  // statements on this connection between batches and a million rows never sit in memory.
  void stream(const std::string& select,
              const std::function<void(const pg::Result&, int row)>& visit) {
    bool own = !in_transaction();
    if (own) begin_read();
    try {
      std::string name = "gate_stream_" + std::to_string(++cursors_);
      conn().exec("DECLARE " + name + " NO SCROLL CURSOR FOR " + select);
      for (;;) {
        auto rows = conn().exec("FETCH " + std::to_string(kFetchRows) + " FROM " + name);
        for (int row = 0; row < rows.rows(); ++row) visit(rows, row);
        if (rows.rows() < kFetchRows) break;
      }
      conn().exec("CLOSE " + name);
    } catch (...) {
      if (own) rollback();
      throw;
    }
    if (own) end_read();
  }

  std::string location_;
  pg::Connection conn_;
  bool open_transaction_ = false;
  uint64_t cursors_ = 0;
};

}  // namespace

bool is_postgres_url(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::string redacted_url(const std::string& url) {
  static const std::regex password(R"(^(postgres(ql)?://[^:/@]*):[^@]*@)");
  std::string out = std::regex_replace(url, password, "$1:***@");
  static const std::regex query_password(R"(([?&]password=)[^&]*)");
  return std::regex_replace(out, query_password, "$1***");
}

void install_postgres_log(const std::string& owner_url, const std::string& service_role) {
  std::string location = redacted_url(owner_url);
  try {
    pg::Connection owner = pg::Connection::open(owner_url);
    pg::install_log_schema(owner, service_role);
  } catch (const pg::Error& e) {
    throw InputError(location, 0, 0, std::string("cannot install the audit log: ") + e.what(),
                     e.sqlstate() == "42704"
                         ? "create the service role first: CREATE ROLE " + service_role + " LOGIN"
                         : "connect as the database's owner");
  } catch (const std::invalid_argument& e) {
    throw InputError(location, 0, 0, e.what(), "pass --service-role a plain role name");
  }
}

std::unique_ptr<LogBackend> open_postgres_log(const std::string& url, Durability durability) {
  std::string location = redacted_url(url);
  try {
    pg::Connection conn = pg::Connection::open(url);
    conn.exec("SET client_min_messages = warning");
    conn.exec(durability == Durability::full ? "SET synchronous_commit = on"
                                             : "SET synchronous_commit = off");
    auto present = conn.exec("SELECT to_regclass('entries') IS NOT NULL");
    if (present.text(0, 0) != "t") {
      throw InputError(location, 0, 0, "this database holds no Gate audit log",
                       "install the log's tables as the database owner first: gate log init "
                       "--log <owner's URL> --service-role <service role> --origin NAME "
                       "--log-key log.key");
    }
    auto indexed = conn.exec("SELECT to_regclass('entry_changes') IS NOT NULL");
    if (indexed.text(0, 0) != "t") {
      throw InputError(location, 0, 0,
                       "this audit log's tables predate the search indexes of this Gate version",
                       "install them as the database owner (it keeps every entry): gate log init "
                       "--log <owner's URL> --service-role <service role> ...; it then says the "
                       "log already has an identity");
    }
    auto version = conn.exec("SELECT value FROM log_meta WHERE key = 'schema'");
    if (version.rows() > 0 && version.text(0, 0) != kSchemaVersion) {
      throw InputError(location, 0, 0,
                       "audit log schema " + version.text(0, 0) + " is not supported",
                       "use the Gate version that wrote this log");
    }
    return std::make_unique<PgLogBackend>(location, std::move(conn));
  } catch (const pg::Error& e) {
    throw InputError(location, 0, 0, e.what(),
                     "check the URL, that PostgreSQL is running and that the role may log in");
  }
}

}  // namespace gate::attest
