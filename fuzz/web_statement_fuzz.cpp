// The auditor's pages on bytes from outside: an envelope (the decision page, the dashboard's
// reading of a statement) and search form fields. None may crash or throw past its own errors.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "server/log_service.hpp"
#include "server/web/dashboard.hpp"
#include "server/web/decision_page.hpp"
#include "server/web/search_page.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gate::server;
  std::string input(reinterpret_cast<const char*>(data), size);

  nlohmann::json entry = {{"seq", 3},
                          {"time", "2026-03-01T10:00:00Z"},
                          {"repository", "r"},
                          {"base", "b"},
                          {"head", "h"},
                          {"verdict", "fail"},
                          {"policy_sha256", ""},
                          {"actor", "a"},
                          {"failed_rules", nlohmann::json::array()},
                          {"key_id", "k"},
                          {"leaf_hash", "l"},
                          {"identity", nullptr},
                          {"envelope", input}};
  web::decision_body(entry);

  if (auto facts = web::facts_from_export_line({{"seq", 0}, {"envelope", input}})) {
    auto dashboard = web::compute_dashboard({*facts, *facts}, 1780000000);
    web::dashboard_body(dashboard, 1780000000);
  }

  // The input's lines as the search form's fields, in order.
  web::SearchForm form;
  size_t at = 0;
  for (const auto& name : web::search_fields()) {
    size_t end = input.find('\n', at);
    form[name] = input.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (end == std::string::npos) break;
    at = end + 1;
  }
  try {
    web::to_query(form);
  } catch (const ServiceError&) {
  }
  web::search_body(form, {{"entries", nlohmann::json::array()}});
  web::query_string(form);
  return 0;
}
