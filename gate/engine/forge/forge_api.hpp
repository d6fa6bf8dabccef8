#pragma once

// What the GitHub and GitLab readers share: one GET that either returns a 2xx answer or throws
// InputError with one line saying what to fix.

#include <functional>
#include <string>
#include <vector>

#include "gate/engine/forge/http_client.hpp"

namespace gate::forge {

// Tells, for a refused request, what the user should change ("add `pull-requests: read` to the
// workflow's permissions").
struct ApiAdvice {
  std::string forge;         // "GitHub", "GitLab"
  std::string unauthorized;  // 401
  std::string forbidden;     // 403 that is not a rate limit
  std::string not_found;     // 404
};

class ApiSession {
 public:
  ApiSession(HttpClient& http, std::string api_url, std::vector<std::string> headers)
      : http_(http), api_url_(std::move(api_url)), headers_(std::move(headers)) {}

  const std::string& api_url() const { return api_url_; }

  // GET `url` (absolute, under api_url). A 2xx answer is returned; anything else throws.
  HttpResponse get(const std::string& url, const ApiAdvice& advice) const;
  // The status of a GET that may be refused (403/404) without failing the run; other failures
  // throw as get() does.
  HttpResponse get_allowing(const std::string& url, const ApiAdvice& advice,
                            const std::vector<long>& allowed) const;

  // Whether `url` stays on the API's origin: a page link elsewhere would carry the token away.
  bool same_origin(const std::string& url) const;

 private:
  HttpClient& http_;
  std::string api_url_;
  std::vector<std::string> headers_;
};

// Calls `parse` on a 2xx body; its ResponseError becomes one InputError line naming the URL.
template <typename Parse>
auto parse_answer(const std::string& forge, const std::string& url, const std::string& body,
                  Parse parse) -> decltype(parse(body));

[[noreturn]] void malformed_answer(const std::string& forge, const std::string& url,
                                   const std::string& what);

template <typename Parse>
auto parse_answer(const std::string& forge, const std::string& url, const std::string& body,
                  Parse parse) -> decltype(parse(body)) {
  try {
    return parse(body);
  } catch (const std::exception& e) {
    malformed_answer(forge, url, e.what());
  }
}

// A value safe to put in a URL path segment or a header (no '/', spaces, controls, '%', ...).
bool is_plain_segment(const std::string& text);

}  // namespace gate::forge
