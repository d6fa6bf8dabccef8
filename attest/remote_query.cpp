#include <set>
#include <tuple>

#include "attest/remote_http.hpp"
#include "attest/remote_log.hpp"
#include "attest/statement.hpp"

// RemoteLog::query: the pages of GET /v1/entries, each checked against the query it answers.
namespace gate::attest {

namespace {

std::string query_parameters(const LogQuery& query) {
  std::string out;
  auto add = [&out](const char* name, const std::optional<std::string>& value) {
    if (value) out += std::string(out.empty() ? "" : "&") + name + "=" + percent_encoded(*value);
  };
  add("repository", query.repository);
  add("commit", query.commit);
  add("verdict", query.verdict);
  add("rule", query.rule);
  add("actor", query.actor);
  add("change", query.change);
  // RFC 3339, never bare epoch seconds: the service reads a 10-character `until` as a date.
  if (query.since) add("since", format_time(*query.since));
  if (query.until) add("until", format_time(*query.until));
  return out;
}

}  // namespace

std::vector<RemoteEntry> RemoteLog::query(const LogQuery& query) {
  // The latest accepted checkpoint bounds the answer: sequence numbers below its size, each once.
  std::optional<SignedCheckpoint> latest = latest_checkpoint();
  uint64_t size = latest ? latest->checkpoint.size : 0;
  std::string filters = query_parameters(query);
  std::vector<RemoteEntry> out;
  std::set<uint64_t> seen;
  std::optional<std::string> token;
  while (true) {
    uint64_t page_size = 1000;
    if (query.limit > 0) page_size = std::min<uint64_t>(page_size, query.limit - out.size());
    std::string path = "/v1/entries?" + filters + (filters.empty() ? "" : "&") +
                       "limit=" + std::to_string(page_size) +
                       (token ? "&page_token=" + percent_encoded(*token) : std::string());
    std::string where = http_->url(path);
    HttpAnswer answer = http_->get(path);
    if (answer.status != 200) throw_unexpected_answer(where, "querying the log", answer);
    QueryPage page = parse_or_refuse(parse_query_page, answer.body, where);
    if (page.entries.size() > page_size) {
      throw RemoteLogRefusal(where + ": the page holds more entries than asked for");
    }
    for (auto& found : page.entries) {
      const LogEntry& entry = found.entry;
      if (entry.seq >= size) {  // appended since the checkpoint was read
        latest = latest_checkpoint();
        size = latest ? latest->checkpoint.size : 0;
      }
      if (entry.seq >= size || !seen.insert(entry.seq).second) {
        throw RemoteLogRefusal(where + ": entry " + std::to_string(entry.seq) +
                                   " is repeated or beyond the signed checkpoint (" + "size " +
                                   std::to_string(size) + ")",
                               entry.seq);
      }
      if (!out.empty() && std::tie(out.back().entry.time, out.back().entry.seq) >=
                              std::tie(entry.time, entry.seq)) {
        throw RemoteLogRefusal(
            where + ": entry " + std::to_string(entry.seq) + " is out of (time, seq) order",
            entry.seq);
      }
      if (!query_matches(entry, query)) {
        throw RemoteLogRefusal(
            where + ": entry " + std::to_string(entry.seq) + " does not match the query",
            entry.seq);
      }
      out.push_back(std::move(found));
    }
    if (!page.next_page_token || (query.limit > 0 && out.size() >= query.limit)) break;
    if (page.entries.empty()) {
      throw RemoteLogRefusal(where + ": an empty page names a next page");
    }
    token = std::move(page.next_page_token);
  }
  return out;
}

}  // namespace gate::attest
