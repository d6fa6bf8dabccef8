#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "attest/bytes.hpp"

// Thin RAII wrappers over libpq, in the style of attest/sqlite.hpp: a connection, results,
// parameterised statements (text parameters, never interpolated), transactions.
namespace gate::attest::pg {

struct ConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};

// A failed statement or connection: PostgreSQL's message and SQLSTATE (e.g. "42501" for
// insufficient privilege), so callers can tell refusals apart.
class Error : public std::runtime_error {
 public:
  Error(const std::string& what, std::string sqlstate)
      : std::runtime_error(what), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

class Result {
 public:
  explicit Result(PGresult* result) : result_(result) {}
  int rows() const { return PQntuples(result_.get()); }
  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column); }
  std::string text(int row, int column) const;
  int64_t integer(int row, int column) const;  // throws Error when not an integer
  PGresult* get() const { return result_.get(); }

 private:
  std::unique_ptr<PGresult, ResultDeleter> result_;
};

// nullopt binds SQL NULL.
using Param = std::optional<std::string>;

class Connection {
 public:
  // A libpq connection string ("host=/tmp/x dbname=gate user=gate_service" or a URI).
  // Throws Error naming the failure (never the password).
  static Connection open(const std::string& conninfo);

  // Runs one or more statements without parameters.
  Result exec(const std::string& sql);
  // One statement with $1, $2... bound as text.
  Result exec(const std::string& sql, const std::vector<Param>& params);
  // A statement prepared once per connection under `name` (prepared again after a reconnect).
  Result exec_prepared(const std::string& name, const std::string& sql,
                       const std::vector<Param>& params);
  // After the server went away (a restart, a failover): connects again when the connection is
  // broken and no transaction was open. Returns whether the connection is usable.
  bool reconnect_if_broken();
  PGconn* get() const { return conn_.get(); }

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  Result checked(PGresult* result, std::string_view what);
  std::unique_ptr<PGconn, ConnDeleter> conn_;
  std::vector<std::string> prepared_;
};

// BEGIN ... COMMIT; rolls back when destroyed without commit().
class Transaction {
 public:
  explicit Transaction(Connection& conn, const char* begin = "BEGIN");
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& conn_;
  bool open_ = true;
};

// bytea in text form: "\\x" and lowercase hex, both ways.
std::string bytea_param(std::string_view bytes);
std::string bytea_value(const std::string& text);  // throws Error when not "\\x<hex>"

}  // namespace gate::attest::pg
