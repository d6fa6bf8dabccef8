#pragma once

namespace httplib {
class Server;
}

namespace gate::server {
class LogService;
}

// The auditor's pages of `gate log serve` (docs/audit-service.md, "For auditors"): search,
// one decision with its in-browser verification, log health and the dashboard. Every page only
// reads; none offers a write.
namespace gate::server::web {

// Adds the /ui routes (and /ui/verify.js) to `server`, answering from `service`.
void register_pages(httplib::Server& server, LogService& service);

}  // namespace gate::server::web
