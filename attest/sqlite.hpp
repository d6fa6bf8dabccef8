#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

// Thin RAII wrappers over the SQLite C API: a connection, prepared statements, transactions.
namespace gate::attest::sql {

struct DbDeleter {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtDeleter {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Db = std::unique_ptr<sqlite3, DbDeleter>;

// Throws std::runtime_error with SQLite's message when `code` is not OK/ROW/DONE.
void check(sqlite3* db, int code, std::string_view what);
void exec(sqlite3* db, const char* sql);

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);
  // True while a row is available.
  bool step();
  void run();  // step to completion, then reset
  void reset();
  int64_t integer(int column) const;
  std::string text(int column) const;
  std::string_view blob(int column) const;  // valid until the next step
  bool is_null(int column) const;
  sqlite3_stmt* get() const { return stmt_.get(); }

 private:
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, StmtDeleter> stmt_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed without commit().
class Transaction {
 public:
  explicit Transaction(sqlite3* db, const char* begin = "BEGIN IMMEDIATE");
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  sqlite3* db_;
  bool open_ = true;
};

}  // namespace gate::attest::sql
