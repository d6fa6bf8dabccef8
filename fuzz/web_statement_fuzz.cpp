// The auditor's pages on bytes from outside: an envelope (the decision page, the dashboard's
// and the inventory's reading of a statement) and search form fields. None may crash or throw past
// its own errors.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "server/log_service.hpp"
#include "server/web/dashboard.hpp"
#include "server/web/decision_page.hpp"
#include "server/web/inventory_page.hpp"
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
    // The Inventory page folds the same statement twice: the second replaces the first.
    web::InventoryIndex inventory;
    inventory.add(0, facts->time, facts->repository, facts->verdict, facts->inventory);
    inventory.add(1, facts->time, facts->repository, facts->verdict, facts->inventory);
    web::inventory_body(inventory, {});
    web::inventory_body(inventory, {facts->repository, "model"});
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
