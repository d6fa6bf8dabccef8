#include "attest/remote_token.hpp"

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "attest/remote_answers.hpp"
#include "attest/remote_http.hpp"
#include "gate/types/errors.hpp"

namespace gate::attest {

namespace {

std::optional<std::string> environment(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

// GitHub Actions hands out ID tokens over HTTP to jobs with `permissions: id-token: write`.
LogCredential github_id_token(const std::string& request_url, const std::string& request_token) {
  std::string audience = environment("GATE_LOG_AUDIENCE").value_or("gate");
  HttpAddress address = split_http_url(request_url);
  std::string path = address.path.empty() ? "/" : address.path;
  path += path.find('?') == std::string::npos ? '?' : '&';
  path += "audience=";
  path += percent_encoded(audience);
  // The request URL's query may carry run details; messages name the endpoint alone.
  std::string where = address.origin;
  where += path.substr(0, path.find('?'));
  where += " (ACTIONS_ID_TOKEN_REQUEST_URL)";
  HttpClient client(address.origin);
  std::string authorization = "bearer ";
  authorization += request_token;
  HttpAnswer answer = client.get(path, authorization);
  if (answer.status != 200) {
    throw_unexpected_answer(where, "requesting the GitHub Actions OIDC ID token", answer);
  }
  nlohmann::json json = nlohmann::json::parse(answer.body, nullptr, false);
  auto value = json.is_object() ? json.find("value") : json.end();
  if (!json.is_object() || value == json.end() || !value->is_string() ||
      value->get<std::string>().empty()) {
    throw InputError(where + ": the answer carries no token ('value')",
                     "give the job `permissions: id-token: write`");
  }
  return {value->get<std::string>(), "GitHub Actions OIDC (audience " + audience + ")"};
}

}  // namespace

std::optional<LogCredential> log_credential_from_environment() {
  if (auto token = environment("GATE_LOG_TOKEN")) return LogCredential{*token, "GATE_LOG_TOKEN"};
  auto request_url = environment("ACTIONS_ID_TOKEN_REQUEST_URL");
  auto request_token = environment("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
  if (request_url && request_token) return github_id_token(*request_url, *request_token);
  if (auto token = environment("GATE_ID_TOKEN")) return LogCredential{*token, "GATE_ID_TOKEN"};
  return std::nullopt;
}

}  // namespace gate::attest
