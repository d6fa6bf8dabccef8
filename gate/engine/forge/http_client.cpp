#include "gate/engine/forge/http_client.hpp"

#include <curl/curl.h>

#include <mutex>
#include <stdexcept>
#include <thread>

#include "gate/types/handle.hpp"
#include "gate/types/text.hpp"

namespace gate::forge {

std::string HttpResponse::header(const std::string& lowercase_name) const {
  auto found = headers.find(lowercase_name);
  return found == headers.end() ? std::string() : found->second;
}

namespace {

using EasyHandle = Handle<CURL, curl_easy_cleanup>;
using HeaderList = Handle<curl_slist, curl_slist_free_all>;

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("libcurl could not initialise");
    }
  });
}

struct Transfer {
  HttpResponse* response;
  size_t max_body;
  bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  if (transfer->response->body.size() + bytes > transfer->max_body) {
    transfer->too_large = true;
    return 0;  // aborts the transfer
  }
  transfer->response->body.append(data, bytes);
  return bytes;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  std::string_view line(data, bytes);
  // A new status line (after a redirect or a 100 Continue) starts a new set of headers.
  if (line.substr(0, 5) == "HTTP/") {
    transfer->response->headers.clear();
    return bytes;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  std::string name = ascii_lower(line.substr(0, colon));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  transfer->response->headers[name] = std::string(value);
  return bytes;
}

class CurlClient : public HttpClient {
 public:
  explicit CurlClient(HttpLimits limits) : limits_(limits) { init_curl_once(); }

  HttpResponse get(const std::string& url, const std::vector<std::string>& headers) override {
    HttpResponse response;
    std::chrono::milliseconds delay = limits_.retry_delay;
    for (int attempt = 0;; ++attempt) {
      bool transport_failed = false;
      response = once(url, headers, transport_failed);
      bool transient = transport_failed || response.status == 502 || response.status == 503 ||
                       response.status == 504;
      if (!transient || attempt >= limits_.retries) return response;
      std::this_thread::sleep_for(delay);
      delay *= 2;
    }
  }

 private:
  // `transport_failed`: no answer came (a refused connection, a timeout); an answer over the
  // size limit is a failure too, but asking again would not change it.
  HttpResponse once(const std::string& url, const std::vector<std::string>& headers,
                    bool& transport_failed) const {
    HttpResponse response;
    EasyHandle easy(curl_easy_init());
    if (!easy) {
      response.error = "libcurl could not make a handle";
      return response;
    }
    HeaderList list;
    for (const auto& header : headers) {
      curl_slist* appended = curl_slist_append(list.get(), header.c_str());
      if (!appended) {
        response.error = "out of memory building the request headers";
        return response;
      }
      (void)list.release();
      list.reset(appended);
    }
    Transfer transfer{&response, limits_.max_body_bytes};
    char error[CURL_ERROR_SIZE] = {0};
    CURL* handle = easy.get();
    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, list.get());
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(handle, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(handle, CURLOPT_UNRESTRICTED_AUTH, 0L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(limits_.connect_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(limits_.total_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(handle, CURLOPT_USERAGENT, "gate");
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &transfer);
    CURLcode code = curl_easy_perform(handle);
    if (transfer.too_large) {
      response = HttpResponse{};
      response.error =
          "the answer is larger than " + std::to_string(limits_.max_body_bytes >> 20) + " MiB";
      return response;
    }
    if (code != CURLE_OK) {
      std::string reason = error[0] ? error : curl_easy_strerror(code);
      response = HttpResponse{};
      response.error = reason;
      transport_failed = true;
      return response;
    }
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    response.status = status;
    return response;
  }

  HttpLimits limits_;
};

}  // namespace

std::unique_ptr<HttpClient> make_curl_client(HttpLimits limits) {
  return std::make_unique<CurlClient>(limits);
}

}  // namespace gate::forge
