#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "attest/log_backend.hpp"

// The SQL of a LogQuery, written once for both engines: they differ in how a placeholder is
// spelled, how a commit prefix meets the head index and in SQLite naming the index to drive.
namespace gate::attest {

enum class SqlDialect { sqlite, postgresql };

// The tables an entry is read from, as `e` (entries) and `c` (its pull/merge request), and the
// columns read_entry takes from them in order.
extern const char* const kEntrySource;
extern const char* const kEntryColumns;

struct QuerySql {
  std::string
      clauses;  // follows "SELECT <kEntryColumns> FROM <kEntrySource>"; starts with " WHERE"
  std::vector<std::variant<std::string, int64_t>> params;
};

// A query runs in two steps in one statement: the sequence numbers of one page are found in an
// index alone (the filters' columns are in it, so no envelope is read to reject an entry), then
// only those entries are read. The index that drives is the most selective filter's: a commit
// prefix, then a pull request, a failed rule, an actor, a repository, a verdict, else time.
QuerySql query_sql(const LogQuery& query, SqlDialect dialect);

}  // namespace gate::attest
