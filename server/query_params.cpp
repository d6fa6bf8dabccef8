#include "server/query_params.hpp"

#include "attest/statement.hpp"

namespace gate::server {

namespace {

std::optional<int64_t> time_of(const std::optional<std::string>& text, const char* name,
                               bool until) {
  if (!text) return std::nullopt;
  auto time = attest::parse_time(*text);
  if (!time) {
    throw ServiceError{400, "bad_request",
                       std::string("parameter '") + name +
                           "' is not a time (2026-03-01, 2026-03-01T12:00:00Z or epoch seconds)"};
  }
  // A date alone as `until` means the whole day, as `gate log query --until` reads it.
  return *time + (until && text->size() == 10 ? 86399 : 0);
}

}  // namespace

QueryRequest read_query_request(
    const std::function<std::optional<std::string>(const char* name)>& param) {
  QueryRequest request;
  request.query.repository = param("repository");
  request.query.commit = param("commit");
  request.query.verdict = param("verdict");
  request.query.rule = param("rule");
  request.query.actor = param("actor");
  request.query.change = param("change");
  request.query.since = time_of(param("since"), "since", false);
  request.query.until = time_of(param("until"), "until", true);
  request.identity = param("identity");
  request.page_token = param("page_token");
  if (auto limit = param("limit")) {
    // At most 19 digits: any such number fits, so the range check below sees its value.
    if (limit->empty() || limit->size() > 19 ||
        limit->find_first_not_of("0123456789") != std::string::npos || std::stoull(*limit) == 0 ||
        std::stoull(*limit) > 1000) {
      throw ServiceError{400, "bad_request", "parameter 'limit' must be a number from 1 to 1000"};
    }
    request.page_size = std::stoull(*limit);
  }
  if (const auto& commit = request.query.commit) {
    if (commit->size() < 4 || commit->find_first_not_of("0123456789abcdef") != std::string::npos) {
      throw ServiceError{400, "bad_request",
                         "parameter 'commit' must be 4 or more lowercase hex digits"};
    }
  }
  return request;
}

}  // namespace gate::server
