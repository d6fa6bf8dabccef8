#include "gate/engine/forge/forge_api.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "gate/engine/forge/forge_responses.hpp"
#include "gate/types/errors.hpp"

namespace gate::forge {

namespace {
bool is_digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

namespace {

std::string origin_of(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  size_t path = url.find('/', scheme + 3);
  return url.substr(0, path);
}

std::string reset_time(const HttpResponse& response) {
  std::string reset = response.header("x-ratelimit-reset");
  if (!reset.empty() && std::all_of(reset.begin(), reset.end(), is_digit) && reset.size() < 15) {
    std::time_t when = static_cast<std::time_t>(std::stoll(reset));
    std::tm parts{};
    char text[32];
    if (gmtime_r(&when, &parts) && std::strftime(text, sizeof text, "%H:%M:%S UTC", &parts)) {
      return std::string(", resets at ") + text;
    }
  }
  std::string retry = response.header("retry-after");
  if (!retry.empty() && retry.size() < 15) return ", retry after " + retry + " s";
  return {};
}

bool is_rate_limit(const HttpResponse& response, const std::string& message) {
  if (response.status == 429) return true;
  if (response.status != 403) return false;
  if (response.header("x-ratelimit-remaining") == "0") return true;
  std::string lower;
  for (char c : message) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("rate limit") != std::string::npos;
}

[[noreturn]] void refused(const ApiAdvice& advice, const std::string& url,
                          const HttpResponse& response) {
  std::string message = error_message(response.body);
  std::string status = std::to_string(response.status) + (message.empty() ? "" : " " + message);
  std::string where = advice.forge + " API GET " + url;
  if (is_rate_limit(response, message)) {
    throw InputError(where + ": rate limited (" + status + reset_time(response) +
                     "): run the job again after the reset, or use a token with its own limit");
  }
  const std::string* fix = nullptr;
  if (response.status == 401) fix = &advice.unauthorized;
  if (response.status == 403) fix = &advice.forbidden;
  if (response.status == 404) fix = &advice.not_found;
  if (fix) throw InputError(where + ": " + status + ": " + *fix);
  throw InputError(where + ": " + status +
                   ": the forge failed to answer; run the job again, or pass --approvals FILE");
}

}  // namespace

HttpResponse ApiSession::get_allowing(const std::string& url, const ApiAdvice& advice,
                                      const std::vector<long>& allowed) const {
  HttpResponse response = http_.get(url, headers_);
  if (response.status == 0) {
    throw InputError("cannot reach the " + advice.forge + " API at " + url + " (" + response.error +
                     "): check " + (advice.forge == "GitHub" ? "GITHUB_API_URL" : "CI_API_V4_URL") +
                     " and the runner's network, or pass --approvals FILE");
  }
  if (response.status >= 200 && response.status < 300) return response;
  std::string message = error_message(response.body);
  if (!is_rate_limit(response, message) &&
      std::find(allowed.begin(), allowed.end(), response.status) != allowed.end()) {
    return response;
  }
  refused(advice, url, response);
}

HttpResponse ApiSession::get(const std::string& url, const ApiAdvice& advice) const {
  return get_allowing(url, advice, {});
}

bool ApiSession::same_origin(const std::string& url) const {
  std::string origin = origin_of(api_url_);
  return !origin.empty() && origin_of(url) == origin;
}

void malformed_answer(const std::string& forge, const std::string& url, const std::string& what) {
  std::string api = forge == "GitHub" ? "GITHUB_API_URL" : "CI_API_V4_URL";
  throw InputError(forge + " API GET " + url + ": the answer is not what " + forge + " sends (" +
                   what + "): check that " + api + " names the " + forge + " REST API");
}

bool is_plain_segment(const std::string& text) {
  if (text.empty() || text.size() > 255 || text == "." || text == "..") return false;
  return std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace gate::forge
