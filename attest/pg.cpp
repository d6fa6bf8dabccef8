#include "attest/pg.hpp"

#include <algorithm>
#include <charconv>

namespace gate::attest::pg {

namespace {

std::string trimmed(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

std::string Result::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<size_t>(PQgetlength(result_.get(), row, column)));
}

int64_t Result::integer(int row, int column) const {
  std::string value = text(row, column);
  int64_t out = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (error != std::errc() || end != value.data() + value.size()) {
    throw Error("PostgreSQL: column " + std::to_string(column) + " is not an integer", "");
  }
  return out;
}

Connection Connection::open(const std::string& conninfo) {
  PGconn* raw = PQconnectdb(conninfo.c_str());
  Connection conn(raw);
  if (!raw) throw Error("PostgreSQL: out of memory connecting", "");
  if (PQstatus(raw) != CONNECTION_OK) {
    throw Error("cannot connect to PostgreSQL: " + trimmed(PQerrorMessage(raw)), "08006");
  }
  return conn;
}

Result Connection::checked(PGresult* raw, std::string_view what) {
  Result result(raw);
  ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = raw ? trimmed(PQresultErrorMessage(raw)) : trimmed(PQerrorMessage(get()));
  throw Error("PostgreSQL: " + std::string(what) + ": " + message, state ? state : "");
}

Result Connection::exec(const std::string& sql) {
  return checked(PQexec(get(), sql.c_str()), sql.substr(0, 60));
}

Result Connection::exec(const std::string& sql, const std::vector<Param>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  return checked(PQexecParams(get(), sql.c_str(), static_cast<int>(params.size()), nullptr,
                              values.data(), nullptr, nullptr, 0),
                 sql.substr(0, 60));
}

Result Connection::exec_prepared(const std::string& name, const std::string& sql,
                                 const std::vector<Param>& params) {
  if (std::find(prepared_.begin(), prepared_.end(), name) == prepared_.end()) {
    checked(PQprepare(get(), name.c_str(), sql.c_str(), static_cast<int>(params.size()), nullptr),
            "prepare " + name);
    prepared_.push_back(name);
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  return checked(PQexecPrepared(get(), name.c_str(), static_cast<int>(params.size()), values.data(),
                                nullptr, nullptr, 0),
                 name);
}

bool Connection::reconnect_if_broken() {
  if (PQstatus(get()) == CONNECTION_OK) return true;
  PQreset(get());
  prepared_.clear();  // a new session knows none of them
  return PQstatus(get()) == CONNECTION_OK;
}

std::string bytea_param(std::string_view bytes) { return "\\x" + to_hex(bytes); }

std::string bytea_value(const std::string& text) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0) {
    throw Error("PostgreSQL: a bytea value is not in hex form", "");
  }
  auto bytes = from_hex(std::string_view(text).substr(2));
  if (!bytes) throw Error("PostgreSQL: a bytea value is not in hex form", "");
  return *bytes;
}

Transaction::Transaction(Connection& conn, const char* begin) : conn_(conn) { conn_.exec(begin); }

Transaction::~Transaction() {
  if (!open_) return;
  // Best effort: a broken connection has rolled back already, and a destructor cannot throw.
  PGresult* result = PQexec(conn_.get(), "ROLLBACK");
  PQclear(result);
}

void Transaction::commit() {
  conn_.exec("COMMIT");
  open_ = false;
}

}  // namespace gate::attest::pg
