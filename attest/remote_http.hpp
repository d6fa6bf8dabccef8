#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace httplib {
class Client;
}

// HTTP for the clients of `gate log serve` (and the CI token endpoint), over cpp-httplib with
// bounded timeouts. Failures throw InputError naming the URL and what failed.
namespace gate::attest {

// True for an http:// or https:// address (a remote log rather than a file).
bool is_http_url(std::string_view text);

// Percent-encodes all but RFC 3986's unreserved characters (a query parameter's value).
std::string percent_encoded(std::string_view value);

struct HttpAddress {
  std::string origin;  // scheme://host[:port]
  std::string path;    // the rest (path and query), without a trailing slash; may be empty
};
// Throws InputError when `url` is not http(s)://host[:port][/path] (no user info or fragment),
// or is https:// in a build whose cpp-httplib has no TLS.
HttpAddress split_http_url(const std::string& url);

struct HttpAnswer {
  int status = 0;
  std::string body;
};

class HttpClient {
 public:
  // Connect within 5 s; each read or write within 30 s.
  explicit HttpClient(const std::string& url);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // The URL of `path` (below the base URL), as messages name it.
  std::string url(const std::string& path) const { return address_.origin + address_.path + path; }
  const std::string& base_url() const { return base_url_; }

  // The Authorization header every GET carries when it is not given one ("Bearer <token>"; a
  // service with read_tokens refuses reads without it). Empty: none.
  void set_read_authorization(std::string authorization) {
    read_authorization_ = std::move(authorization);
  }

  // Throws InputError when there is no answer at all (unreachable, timeout, TLS failure).
  HttpAnswer get(const std::string& path, const std::string& authorization = {});
  HttpAnswer post(const std::string& path, const std::string& body,
                  const std::string& authorization = {});
  // GET whose 200 body is handed over line by line (without the newline) as it arrives; a
  // non-200 answer, a line over 64 MiB or a missing final newline throw InputError. An exception
  // from `on_line` stops the transfer and propagates.
  void get_lines(const std::string& path, const std::function<void(std::string_view)>& on_line);

 private:
  std::string base_url_;
  std::string read_authorization_;
  HttpAddress address_;
  std::unique_ptr<httplib::Client> client_;
};

// InputError "<url>: <what>: the service answered <status> (<its error: message>)".
[[noreturn]] void throw_unexpected_answer(const std::string& url, const std::string& what,
                                          const HttpAnswer& answer);

}  // namespace gate::attest
