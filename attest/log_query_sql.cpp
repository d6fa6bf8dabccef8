#include "attest/log_query_sql.hpp"

namespace gate::attest {

bool query_matches(const LogEntry& entry, const LogQuery& query) {
  auto same = [](const std::optional<std::string>& want, const std::string& have) {
    return !want || *want == have;
  };
  bool rule_ok = !query.rule;
  for (const auto& rule : entry.failed_rules) rule_ok = rule_ok || rule == *query.rule;
  return same(query.repository, entry.repository) && same(query.verdict, entry.verdict) &&
         same(query.actor, entry.actor) && rule_ok &&
         (!query.commit || entry.head.compare(0, query.commit->size(), *query.commit) == 0) &&
         (!query.since || entry.time >= *query.since) &&
         (!query.until || entry.time <= *query.until);
}

QuerySql query_sql(const LogQuery& query, SqlDialect dialect) {
  QuerySql out;
  out.clauses = " WHERE true";
  auto bind = [&](std::variant<std::string, int64_t> value) {
    out.params.push_back(std::move(value));
    std::string placeholder = dialect == SqlDialect::sqlite ? "?" : "$";
    // (Appending, not "$" + string: GCC 12 warns falsely on operator+ with a literal first.)
    if (dialect == SqlDialect::postgresql) placeholder.append(std::to_string(out.params.size()));
    return placeholder;
  };
  auto text = [&](const std::string& before, const std::string& value) {
    out.clauses += before + bind(value);
  };
  if (query.repository) text(" AND repository = ", *query.repository);
  if (query.commit) {
    if (query.commit->size() >= 40) {
      text(" AND head = ", *query.commit);
    } else if (dialect == SqlDialect::sqlite) {
      // A prefix: a range over the head index.
      text(" AND head >= ", *query.commit);
      text(" AND head < ", *query.commit + "\x7f");
    } else {
      // text_pattern_ops serves LIKE 'prefix%' whatever the database's collation; commit
      // prefixes are hex digits, so they hold no wildcard.
      text(" AND head LIKE ", *query.commit + "%");
    }
  }
  if (query.verdict) text(" AND verdict = ", *query.verdict);
  if (query.actor) text(" AND actor = ", *query.actor);
  if (query.rule) {
    out.clauses +=
        " AND seq IN (SELECT seq FROM entry_rules WHERE rule = " + bind(*query.rule) + ")";
  }
  if (query.since) out.clauses += " AND time >= " + bind(*query.since);
  if (query.until) out.clauses += " AND time <= " + bind(*query.until);
  if (query.after) {
    // (time, seq) > (t, s), spelled so that the (time, seq) indexes serve it.
    out.clauses += " AND time >= " + bind(query.after->first);
    out.clauses += " AND (time > " + bind(query.after->first);
    out.clauses += " OR seq > " + bind(static_cast<int64_t>(query.after->second)) + ")";
  }
  out.clauses += " ORDER BY time, seq";
  if (query.limit > 0) out.clauses += " LIMIT " + bind(static_cast<int64_t>(query.limit));
  return out;
}

}  // namespace gate::attest
