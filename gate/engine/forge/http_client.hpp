#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gate::forge {

struct HttpResponse {
  long status = 0;  // 0: no answer (network failure; `error` says why)
  std::string body;
  std::map<std::string, std::string> headers;  // names lowercased; the last value of each
  std::string error;                           // the transport's reason when status is 0
  std::string header(const std::string& lowercase_name) const;
};

struct HttpLimits {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{30'000};  // one request, redirects included
  size_t max_body_bytes = 32u << 20;
  // GET is idempotent: a failure to connect, or a 502/503/504, is tried again this many times,
  // after `retry_delay`, then twice that. 429 and 403 rate limits are not retried: the reset
  // lies minutes away, which a CI step must not spend waiting.
  int retries = 2;
  std::chrono::milliseconds retry_delay{500};
};

// The port Gate's forge readers speak through: tests and other transports implement it too.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Never throws for HTTP or network failures: they come back as the response's status/error.
  virtual HttpResponse get(const std::string& url, const std::vector<std::string>& headers) = 0;
};

// libcurl (http and https only, certificate checks on, redirects to http(s) only and without
// the credentials for another host).
std::unique_ptr<HttpClient> make_curl_client(HttpLimits limits = {});

}  // namespace gate::forge
