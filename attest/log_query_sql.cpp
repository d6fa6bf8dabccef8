#include "attest/log_query_sql.hpp"

namespace gate::attest {

const char* const kEntrySource = "entries e LEFT JOIN entry_changes c ON c.seq = e.seq";
const char* const kEntryColumns =
    "e.seq, e.time, e.repository, e.base, e.head, e.verdict, e.policy_sha256, e.actor, "
    "e.failed_rules, e.key_id, e.envelope, coalesce(c.change_id, '')";

bool query_matches(const LogEntry& entry, const LogQuery& query) {
  auto same = [](const std::optional<std::string>& want, const std::string& have) {
    return !want || *want == have;
  };
  bool rule_ok = !query.rule;
  for (const auto& rule : entry.failed_rules) rule_ok = rule_ok || rule == *query.rule;
  return same(query.repository, entry.repository) && same(query.verdict, entry.verdict) &&
         same(query.actor, entry.actor) && same(query.change, entry.change_id) && rule_ok &&
         (!query.commit || entry.head.compare(0, query.commit->size(), *query.commit) == 0) &&
         (!query.since || entry.time >= *query.since) &&
         (!query.until || entry.time <= *query.until);
}

namespace {

class Builder {
 public:
  explicit Builder(SqlDialect dialect) : dialect_(dialect) {}

  std::string bind(std::variant<std::string, int64_t> value) {
    out.params.push_back(std::move(value));
    std::string placeholder = dialect_ == SqlDialect::sqlite ? "?" : "$";
    // (Appending, not "$" + string: GCC 12 warns falsely on operator+ with a literal first.)
    if (dialect_ == SqlDialect::postgresql) placeholder.append(std::to_string(out.params.size()));
    return placeholder;
  }
  void add(const std::string& condition) { where_ += " AND " + condition; }
  void equal(const std::string& column, const std::optional<std::string>& value) {
    if (value) add(column + " = " + bind(*value));
  }
  // SQLite: the index that drives the scan, named, so that the choice does not rest on the
  // planner's guesses about a table it has no statistics of. PostgreSQL keeps statistics.
  std::string indexed_by(const char* index) const {
    return dialect_ == SqlDialect::sqlite ? std::string(" INDEXED BY ") + index : std::string();
  }
  SqlDialect dialect() const { return dialect_; }
  const std::string& where() const { return where_; }

  QuerySql out;

 private:
  SqlDialect dialect_;
  std::string where_;
};

// The time range and the page cursor, on the driving table's (time, seq).
void time_and_cursor(Builder& sql, const LogQuery& query, const std::string& table) {
  if (query.since) sql.add(table + ".time >= " + sql.bind(*query.since));
  if (query.until) sql.add(table + ".time <= " + sql.bind(*query.until));
  if (query.after) {
    // (time, seq) > (t, s), spelled so that the (time, seq) indexes serve it.
    sql.add(table + ".time >= " + sql.bind(query.after->first));
    // Bound one at a time: the operands of one expression are evaluated in no set order, and
    // SQLite's placeholders are numbered in the order they are bound.
    std::string time = sql.bind(query.after->first);
    std::string seq = sql.bind(static_cast<int64_t>(query.after->second));
    sql.add("(" + table + ".time > " + time + " OR " + table + ".seq > " + seq + ")");
  }
}

void entry_columns(Builder& sql, const LogQuery& query) {
  sql.equal("x.repository", query.repository);
  if (query.commit) {
    if (query.commit->size() >= 40) {
      sql.equal("x.head", query.commit);
    } else if (sql.dialect() == SqlDialect::sqlite) {
      // A prefix: a range over the head index.
      sql.add("x.head >= " + sql.bind(*query.commit));
      sql.add("x.head < " + sql.bind(*query.commit + "\x7f"));
    } else {
      // text_pattern_ops serves LIKE 'prefix%' whatever the database's collation; commit
      // prefixes are hex digits, so they hold no wildcard.
      sql.add("x.head LIKE " + sql.bind(*query.commit + "%"));
    }
  }
  sql.equal("x.verdict", query.verdict);
  sql.equal("x.actor", query.actor);
}

std::string rule_probe(Builder& sql, const std::string& rule, const std::string& seq) {
  return "EXISTS (SELECT 1 FROM entry_rules r WHERE r.rule = " + sql.bind(rule) +
         " AND r.seq = " + seq + ")";
}

}  // namespace

QuerySql query_sql(const LogQuery& query, SqlDialect dialect) {
  Builder sql(dialect);
  std::string inner;
  bool by_commit = query.commit.has_value();
  bool by_change = !by_commit && query.change;
  // A failed rule drives unless an actor or a repository narrows more: a common rule's rows
  // are many, and each would be joined to its entry to test them.
  bool by_rule = !by_commit && !by_change && query.rule && !query.actor && !query.repository;
  if (by_change || by_rule) {
    // A side index in (value, time, seq) order: the page is its first rows that pass.
    bool other_columns = query.repository || query.verdict || query.actor;
    inner =
        by_change ? "SELECT t.seq FROM entry_changes t" : "SELECT t.seq FROM entry_rule_times t";
    if (other_columns) inner += " CROSS JOIN entries x";
    if (by_change) {
      sql.equal("t.change_id", query.change);
      if (query.rule) sql.add(rule_probe(sql, *query.rule, "t.seq"));
    } else {
      sql.equal("t.rule", query.rule);
    }
    time_and_cursor(sql, query, "t");
    if (other_columns) {
      sql.add("x.seq = t.seq");
      entry_columns(sql, query);
    }
    inner += " WHERE true" + sql.where() + " ORDER BY t.time, t.seq";
  } else {
    const char* index = by_commit          ? "entries_head"
                        : query.actor      ? "entries_search_actor"
                        : query.repository ? "entries_search_repository"
                        : query.verdict    ? "entries_search_verdict"
                                           : "entries_search_time";
    entry_columns(sql, query);
    time_and_cursor(sql, query, "x");
    if (query.rule) sql.add(rule_probe(sql, *query.rule, "x.seq"));
    inner = "SELECT x.seq FROM entries x" + sql.indexed_by(index) + " WHERE true" + sql.where() +
            " ORDER BY x.time, x.seq";
  }
  if (query.limit > 0) inner += " LIMIT " + sql.bind(static_cast<int64_t>(query.limit));
  sql.out.clauses = " WHERE e.seq IN (" + inner + ") ORDER BY e.time, e.seq";
  return std::move(sql.out);
}

}  // namespace gate::attest
