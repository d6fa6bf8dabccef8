#include "attest/remote_http.hpp"

#include <httplib.h>

#include <exception>

#include "attest/remote_answers.hpp"
#include "gate/types/errors.hpp"

namespace gate::attest {

namespace {

constexpr time_t kConnectSeconds = 5;
constexpr time_t kTransferSeconds = 30;
constexpr size_t kMaxLine = size_t{64} << 20;

[[noreturn]] void bad_url(const std::string& url, const std::string& what) {
  throw InputError("'" + url.substr(0, 200) + "' is not a log service URL: " + what,
                   "pass http(s)://HOST[:PORT][/PATH], e.g. https://gate-log.example.com");
}

std::string no_answer(const std::string& url, httplib::Error error) {
  std::string why;
  switch (error) {
    case httplib::Error::Connection:
      why = "cannot connect: nothing listens there, or the host is unreachable";
      break;
    case httplib::Error::ConnectionTimeout:
      why = "no connection within " + std::to_string(kConnectSeconds) + " s";
      break;
    case httplib::Error::Read:
      why =
          "the answer did not arrive (closed, or over " + std::to_string(kTransferSeconds) + " s)";
      break;
    case httplib::Error::Write:
      why = "the request could not be sent";
      break;
    case httplib::Error::SSLConnection:
      why = "the TLS handshake failed";
      break;
    case httplib::Error::SSLServerVerification:
      why =
          "the server's TLS certificate is not trusted (SSL_CERT_FILE or SSL_CERT_DIR name the "
          "CA certificates to trust)";
      break;
    default:
      why = httplib::to_string(error);
  }
  return url + ": no answer from the log service: " + why;
}

}  // namespace

bool is_http_url(std::string_view text) {
  return text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0;
}

std::string percent_encoded(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

HttpAddress split_http_url(const std::string& url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) bad_url(url, "no scheme");
  std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") bad_url(url, "the scheme must be http or https");
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
  if (scheme == "https") {
    throw InputError("'" + url +
                         "': this build of Gate has no TLS (its cpp-httplib was built "
                         "without OpenSSL), so it cannot speak https://",
                     "use a Gate built against Debian's libcpp-httplib-dev (which has TLS), or "
                     "reach the service over http:// on a trusted path");
  }
#endif
  size_t host_begin = scheme_end + 3;
  size_t path_begin = url.find('/', host_begin);
  std::string authority = url.substr(host_begin, path_begin - host_begin);
  if (authority.empty()) bad_url(url, "no host");
  if (authority.find('@') != std::string::npos) bad_url(url, "user info is not accepted");
  if (url.find('#') != std::string::npos) bad_url(url, "a fragment is not accepted");
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) bad_url(url, "space or control byte");
  }
  HttpAddress address{scheme + "://" + authority,
                      path_begin == std::string::npos ? "" : url.substr(path_begin)};
  while (!address.path.empty() && address.path.back() == '/') address.path.pop_back();
  return address;
}

HttpClient::HttpClient(const std::string& url) : base_url_(url), address_(split_http_url(url)) {
  if (address_.path.find('?') != std::string::npos) bad_url(url, "a query is not accepted");
  client_ = std::make_unique<httplib::Client>(address_.origin);
  if (!client_->is_valid()) bad_url(url, "cpp-httplib cannot connect to " + address_.origin);
  client_->set_connection_timeout(kConnectSeconds, 0);
  client_->set_read_timeout(kTransferSeconds, 0);
  client_->set_write_timeout(kTransferSeconds, 0);
  client_->set_follow_location(false);
}

HttpClient::~HttpClient() = default;

namespace {
httplib::Headers headers_with(const std::string& authorization) {
  httplib::Headers headers;
  if (!authorization.empty()) headers.emplace("Authorization", authorization);
  return headers;
}
}  // namespace

HttpAnswer HttpClient::get(const std::string& path, const std::string& authorization) {
  auto result =
      client_->Get(address_.path + path,
                   headers_with(authorization.empty() ? read_authorization_ : authorization));
  if (!result) throw InputError(no_answer(url(path), result.error()));
  return {result->status, result->body};
}

HttpAnswer HttpClient::post(const std::string& path, const std::string& body,
                            const std::string& authorization) {
  auto result =
      client_->Post(address_.path + path, headers_with(authorization), body, "application/json");
  if (!result) throw InputError(no_answer(url(path), result.error()));
  return {result->status, result->body};
}

void HttpClient::get_lines(const std::string& path,
                           const std::function<void(std::string_view)>& on_line) {
  std::string pending;
  std::exception_ptr failure;
  int status = 0;
  std::string refusal;  // the body of a non-200 answer, kept small
  auto result = client_->Get(
      address_.path + path, headers_with(read_authorization_),
      [&](const httplib::Response& response) {
        status = response.status;
        return true;
      },
      [&](const char* data, size_t size) {
        if (status != 200) {
          if (refusal.size() < 4096) refusal.append(data, std::min(size, 4096 - refusal.size()));
          return true;
        }
        try {
          pending.append(data, size);
          size_t start = 0;
          for (size_t newline; (newline = pending.find('\n', start)) != std::string::npos;
               start = newline + 1) {
            on_line(std::string_view(pending).substr(start, newline - start));
          }
          pending.erase(0, start);
          if (pending.size() > kMaxLine) {
            throw InputError(url(path) + ": a line of the answer is over 64 MiB");
          }
          return true;
        } catch (...) {
          failure = std::current_exception();
          return false;
        }
      });
  if (failure) std::rethrow_exception(failure);
  if (!result) throw InputError(no_answer(url(path), result.error()));
  if (status != 200) {
    if (refusal.empty()) refusal = result->body.substr(0, 4096);
    throw_unexpected_answer(url(path), "reading", {status, refusal});
  }
  if (!pending.empty()) {
    throw InputError(url(path) + ": the answer ends in the middle of a line (cut off)");
  }
}

void throw_unexpected_answer(const std::string& url, const std::string& what,
                             const HttpAnswer& answer) {
  std::string said = service_refusal_text(answer.body);
  throw InputError(url + ": " + what + ": the service answered " + std::to_string(answer.status) +
                   (said.empty() ? std::string() : " (" + said + ")"));
}

}  // namespace gate::attest
