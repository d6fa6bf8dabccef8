#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace httplib {
class Server;
}

namespace gate::server {
class LogService;
class WitnessPusher;
}  // namespace gate::server

// /ui/health: the log's size, its latest checkpoint and that checkpoint's age, and each witness
// with its latest cosignature (docs/audit-service.md, "For auditors").
namespace gate::server::web {

// What the page shows, gathered from the service and the witness pusher.
struct HealthFacts {
  std::string origin;
  uint64_t size = 0;
  std::optional<std::string> checkpoint;  // the latest signed note
  std::optional<std::string> last_time;   // RFC 3339 time of the last entry
  // GET /v1/witnesses' "witnesses" array (url, key_id, name, key_hash, state, cosigned_size,
  // timestamp, last_error), in configuration order.
  nlohmann::json witnesses = nlohmann::json::array();
};

// The page's body; `now` (epoch seconds) dates the ages. Pure: no I/O.
std::string health_body(const HealthFacts& facts, int64_t now);

// Adds GET /ui/health to `server`. `witnesses` may be null (none configured).
void register_health_page(httplib::Server& server, LogService& service,
                          const WitnessPusher* witnesses);

}  // namespace gate::server::web
