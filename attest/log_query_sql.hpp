#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "attest/log_backend.hpp"

// The WHERE ... ORDER BY ... LIMIT of a LogQuery, written once for both engines: they differ only
// in how a placeholder is spelled and how a commit prefix meets the head index.
namespace gate::attest {

enum class SqlDialect { sqlite, postgresql };

struct QuerySql {
  std::string clauses;  // starts with " WHERE"
  std::vector<std::variant<std::string, int64_t>> params;
};

QuerySql query_sql(const LogQuery& query, SqlDialect dialect);

}  // namespace gate::attest
