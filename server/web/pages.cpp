#include "server/web/pages.hpp"

#include <httplib.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <mutex>

#include "attest/checkpoint.hpp"
#include "attest/statement.hpp"
#include "gate/types/errors.hpp"
#include "server/log_service.hpp"
#include "server/web/dashboard.hpp"
#include "server/web/decision_page.hpp"
#include "server/web/html.hpp"
#include "server/web/inventory_page.hpp"
#include "server/web/search_page.hpp"
#include "server/web/verify_script.hpp"

namespace gate::server::web {

namespace {

constexpr const char* kHtml = "text/html; charset=utf-8";
constexpr const char* kPolicy = kPagePolicy;
// An export is capped so one request cannot hold the whole of a large log in memory.
constexpr uint64_t kExportLimit = 100000;

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void send(httplib::Response& res, int status, const std::string& body, const char* type) {
  res.status = status;
  res.set_header("Content-Security-Policy", kPolicy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
  res.set_content(body, type);
}

template <typename Handler>
httplib::Server::Handler guarded(Handler handler) {
  return [handler](const httplib::Request& req, httplib::Response& res) {
    try {
      handler(req, res);
    } catch (const ServiceError& e) {
      send(res, e.status, page("Error", "", error_body(e.status, e.message)), kHtml);
    } catch (const std::exception& e) {
      std::cerr << "gate: error: " << req.method << " " << req.path << ": " << e.what() << "\n";
      send(res, 500,
           page("Error", "", error_body(500, "the log could not answer; see the service's log")),
           kHtml);
    }
  };
}

SearchForm form_of(const httplib::Request& req) {
  return read_search_form([&req](const std::string& name) -> std::optional<std::string> {
    if (!req.has_param(name)) return std::nullopt;
    return req.get_param_value(name);
  });
}

// Every entry of a search, page after page (at most kExportLimit).
std::vector<nlohmann::json> all_results(LogService& service, const SearchForm& form) {
  SearchForm whole = form;
  whole.erase("page_token");
  whole.erase("limit");
  QueryRequest request = to_query(whole);
  request.page_size = 1000;
  std::vector<nlohmann::json> entries;
  while (entries.size() < kExportLimit) {
    nlohmann::json answer = service.query(request);
    for (auto& entry : answer["entries"]) entries.push_back(std::move(entry));
    if (!answer.contains("next_page_token")) break;
    request.page_token = answer["next_page_token"].get<std::string>();
  }
  if (entries.size() > kExportLimit) entries.resize(kExportLimit);
  return entries;
}

// The dashboard's decisions read so far. The log only grows, so a request reads only the entries
// appended since the one before (the first reads the whole log once, in one pass).
class DecisionCache {
 public:
  Dashboard dashboard(LogService& service, int64_t now) {
    std::lock_guard lock(mutex_);
    catch_up(service);
    return compute_dashboard(decisions_, now);
  }

  // The Inventory page's body, from the same reading of the log.
  std::string inventory(LogService& service, const InventoryFilter& filter) {
    std::lock_guard lock(mutex_);
    catch_up(service);
    return inventory_body(inventory_, filter);
  }

 private:
  void catch_up(LogService& service) {
    uint64_t size = service.size();
    if (read_ == 0 && size > 0) {
      service.export_lines([this](const std::string& line) {
        auto json = nlohmann::json::parse(line, nullptr, false);
        if (!json.is_object() || !json.contains("seq") || !json["seq"].is_number_unsigned())
          return true;
        if (auto facts = facts_from_export_line(json)) keep(std::move(*facts));
        read_ = json["seq"].get<uint64_t>() + 1;
        return true;
      });
    }
    for (; read_ < size; ++read_) {
      if (auto facts = facts_from_export_line(service.entry(read_))) keep(std::move(*facts));
    }
  }

  // The inventory is folded as it is read, so the facts kept per decision stay small.
  void keep(DecisionFacts facts) {
    inventory_.add(facts.seq, facts.time, facts.repository, facts.verdict, facts.inventory);
    facts.inventory.clear();
    facts.inventory.shrink_to_fit();
    decisions_.push_back(std::move(facts));
  }

  std::mutex mutex_;
  uint64_t read_ = 0;
  std::vector<DecisionFacts> decisions_;
  InventoryIndex inventory_;
};

}  // namespace

void register_pages(httplib::Server& server, LogService& service) {
  server.Get("/ui",
             [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/ui/"); });
  auto search = guarded([&service](const httplib::Request& req, httplib::Response& res) {
    SearchForm form = form_of(req);
    try {
      nlohmann::json answer = service.query(to_query(form));
      send(res, 200, page("Search decisions", "search", search_body(form, answer)), kHtml);
    } catch (const ServiceError& e) {
      send(res, e.status, page("Search decisions", "search", search_body(form, {}, e.message)),
           kHtml);
    }
  });
  server.Get("/ui/", search);
  server.Get("/ui/search", search);
  server.Get(
      "/ui/search.csv", guarded([&service](const httplib::Request& req, httplib::Response& res) {
        send(res, 200, search_csv(all_results(service, form_of(req))), "text/csv; charset=utf-8");
        res.set_header("Content-Disposition", "attachment; filename=\"gate-decisions.csv\"");
      }));
  server.Get(
      "/ui/search.json", guarded([&service](const httplib::Request& req, httplib::Response& res) {
        send(res, 200, search_json(all_results(service, form_of(req))), "application/json");
        res.set_header("Content-Disposition", "attachment; filename=\"gate-decisions.json\"");
      }));
  server.Get(
      R"(/ui/entries/(\d{1,19}))",
      guarded([&service](const httplib::Request& req, httplib::Response& res) {
        uint64_t seq = std::stoull(req.matches[1].str());
        nlohmann::json entry = service.entry(seq);
        send(res, 200,
             page("Decision " + std::to_string(seq), "", decision_body(entry), {"/ui/verify.js"}),
             kHtml);
      }));
  auto cache = std::make_shared<DecisionCache>();
  server.Get("/ui/dashboard",
             guarded([&service, cache](const httplib::Request&, httplib::Response& res) {
               int64_t now = now_seconds();
               send(res, 200,
                    page("Measure everything", "dashboard",
                         dashboard_body(cache->dashboard(service, now), now)),
                    kHtml);
             }));
  server.Get(
      "/ui/inventory",
      guarded([&service, cache](const httplib::Request& req, httplib::Response& res) {
        InventoryFilter filter =
            read_inventory_filter([&req](const std::string& name) -> std::optional<std::string> {
              if (!req.has_param(name)) return std::nullopt;
              return req.get_param_value(name);
            });
        send(res, 200, page("Inventory", "inventory", cache->inventory(service, filter)), kHtml);
      }));
  server.Get("/ui/verify.js", [](const httplib::Request&, httplib::Response& res) {
    send(res, 200, std::string(verify_script()), "text/javascript; charset=utf-8");
  });
}

}  // namespace gate::server::web
