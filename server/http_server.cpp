#include "server/http_server.hpp"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "attest/statement.hpp"
#include "gate/types/errors.hpp"
#include "server/config.hpp"
#include "server/query_params.hpp"
#include "server/web/health_page.hpp"
#include "server/web/html.hpp"
#include "server/web/pages.hpp"

namespace gate::server {

namespace {

constexpr const char* kJson = "application/json";

void send_error(httplib::Response& res, int status, const std::string& code,
                const std::string& message) {
  res.status = status;
  res.set_content(
      nlohmann::json{{"status", status}, {"error", code}, {"message", message}}.dump() + "\n",
      kJson);
}

void send_json(httplib::Response& res, const nlohmann::json& body, int status = 200) {
  res.status = status;
  res.set_content(body.dump() + "\n", kJson);
}

std::optional<uint64_t> number_param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  std::string value = req.get_param_value(name);
  if (value.empty() || value.size() > 19 ||
      value.find_first_not_of("0123456789") != std::string::npos) {
    throw ServiceError{400, "bad_request",
                       std::string("parameter '") + name + "' must be a whole number"};
  }
  return std::stoull(value);
}

std::optional<std::string> text_param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

// Metric label of a request: the route it matched, never the raw path (unbounded cardinality).
std::string route_label(const httplib::Request& req) {
  static const std::vector<std::string> kRoutes = {"/v1/entries",
                                                   "/v1/checkpoint",
                                                   "/v1/checkpoint/cosigned",
                                                   "/v1/witnesses",
                                                   "/v1/proof/inclusion",
                                                   "/v1/proof/consistency",
                                                   "/v1/export",
                                                   "/healthz",
                                                   "/metrics"};
  for (const auto& route : kRoutes) {
    if (req.path == route) return req.method + " " + route;
  }
  if (req.path.rfind("/v1/entries/", 0) == 0) return req.method + " /v1/entries/{seq}";
  return "other";
}

// Open to all even when reads need a token: the append has its own credentials, /healthz is
// what liveness probes and clients ask first (origin and size only), and the verification
// script holds no log data.
bool needs_no_read_token(const httplib::Request& req) {
  if (req.method == "POST" && req.path == "/v1/entries") return true;
  return (req.method == "GET" || req.method == "HEAD") &&
         (req.path == "/healthz" || req.path == "/ui/verify.js");
}

constexpr const char* kRealm = "realm=\"gate audit log\"";

// 401 for a read without an admitted credential. The pages challenge with Basic, so a browser
// shows its login prompt; the API with Bearer, and with Basic too, so that the browser's
// verification script (fetching /v1/ from a page the auditor logged in to) is answered from the
// browser's saved login for the same realm.
void refuse_read(const httplib::Request& req, httplib::Response& res, const AuthFailure& failure) {
  bool page = req.path == "/ui" || req.path.rfind("/ui/", 0) == 0;
  if (page) {
    res.status = 401;
    res.set_header("WWW-Authenticate", std::string("Basic ") + kRealm + ", charset=\"UTF-8\"");
    res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    res.set_header("Cache-Control", "no-store");
    res.set_content(web::page("Sign in", "", web::error_body(401, failure.message)),
                    "text/html; charset=utf-8");
    return;
  }
  send_error(res, 401, failure.code, failure.message);
  res.set_header("WWW-Authenticate", std::string("Bearer ") + kRealm);
  res.set_header("WWW-Authenticate", std::string("Basic ") + kRealm + ", charset=\"UTF-8\"");
}

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct HttpServer::Impl {
  LogService& service;
  const WitnessPusher* witnesses;
  ReadAccess readers;
  Metrics metrics;
  httplib::Server http;

  Impl(LogService& owner, const WitnessPusher* pusher, ReadAccess read_access)
      : service(owner), witnesses(pusher), readers(std::move(read_access)) {}

  // Runs a handler, turning its ServiceError (or any failure) into a JSON error response.
  template <typename Handler>
  httplib::Server::Handler guarded(Handler handler) {
    return [handler](const httplib::Request& req, httplib::Response& res) {
      try {
        handler(req, res);
      } catch (const ServiceError& e) {
        send_error(res, e.status, e.code, e.message);
      } catch (const InputError& e) {
        spdlog_failure(req, e.describe());
        send_error(res, 500, "store_error", e.message());
      } catch (const std::exception& e) {
        spdlog_failure(req, e.what());
        send_error(res, 500, "internal_error", "the log could not answer; see the service's log");
      }
    };
  }

  static void spdlog_failure(const httplib::Request& req, const std::string& what) {
    std::cerr << "gate: error: " << req.method << " " << req.path << ": " << what << "\n";
  }

  void routes() {
    // Before routing, so that no route (nor a 404 naming what exists) answers an unadmitted read.
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (readers.open() || needs_no_read_token(req))
        return httplib::Server::HandlerResponse::Unhandled;
      auto failure = readers.refusal(req.get_header_value("Authorization"), now_seconds());
      if (!failure) return httplib::Server::HandlerResponse::Unhandled;
      refuse_read(req, res, *failure);
      return httplib::Server::HandlerResponse::Handled;
    });
    http.Post(
        "/v1/entries", guarded([this](const httplib::Request& req, httplib::Response& res) {
          auto started = std::chrono::steady_clock::now();
          nlohmann::json answer =
              service.append(req.body, req.get_header_value("Authorization"), now_seconds());
          metrics.observe_append(
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
          send_json(res, answer, 201);
        }));
    http.Get("/v1/entries", guarded([this](const httplib::Request& req, httplib::Response& res) {
               send_json(res, service.query(read_query_request(
                                  [&req](const char* name) { return text_param(req, name); })));
             }));
    http.Get(R"(/v1/entries/(\d{1,19}))",
             guarded([this](const httplib::Request& req, httplib::Response& res) {
               send_json(res, service.entry(std::stoull(req.matches[1].str())));
             }));
    http.Get("/v1/checkpoint", guarded([this](const httplib::Request&, httplib::Response& res) {
               auto note = service.latest_checkpoint();
               if (!note) throw ServiceError{404, "empty_log", "the log has no checkpoint yet"};
               res.set_content(*note, "text/plain; charset=utf-8");
             }));
    // The same note with the witnesses' cosignature lines after the log's own (C2SP
    // tlog-cosignature): a verifier checks the lines of the keys it trusts and skips the rest.
    http.Get("/v1/checkpoint/cosigned",
             guarded([this](const httplib::Request&, httplib::Response& res) {
               auto note = witnesses ? witnesses->cosigned_checkpoint() : std::nullopt;
               if (!note) {
                 throw ServiceError{404, "not_cosigned",
                                    "no witness has cosigned a checkpoint of this log since the "
                                    "service started; see GET /v1/witnesses"};
               }
               res.set_content(*note, "text/plain; charset=utf-8");
             }));
    http.Get("/v1/witnesses", guarded([this](const httplib::Request&, httplib::Response& res) {
               send_json(res, witnesses ? witnesses->status()
                                        : nlohmann::json{{"witnesses", nlohmann::json::array()}});
             }));
    http.Get("/v1/proof/inclusion",
             guarded([this](const httplib::Request& req, httplib::Response& res) {
               auto seq = number_param(req, "seq");
               if (!seq) throw ServiceError{400, "bad_request", "parameter 'seq' is required"};
               send_json(res, service.inclusion_proof(*seq, number_param(req, "size")));
             }));
    http.Get("/v1/proof/consistency",
             guarded([this](const httplib::Request& req, httplib::Response& res) {
               auto old_size = number_param(req, "old");
               if (!old_size) throw ServiceError{400, "bad_request", "parameter 'old' is required"};
               send_json(res, service.consistency_proof(*old_size, number_param(req, "new")));
             }));
    http.Get("/v1/export", guarded([this](const httplib::Request&, httplib::Response& res) {
               res.set_chunked_content_provider(
                   "application/x-ndjson", [this](size_t, httplib::DataSink& sink) {
                     service.export_lines([&](const std::string& line) {
                       return sink.is_writable() && sink.write(line.data(), line.size());
                     });
                     sink.done();
                     return true;
                   });
             }));
    http.Get("/healthz", guarded([this](const httplib::Request&, httplib::Response& res) {
               send_json(
                   res, {{"status", "ok"}, {"origin", service.origin()}, {"size", service.size()}});
             }));
    http.Get("/metrics", guarded([this](const httplib::Request&, httplib::Response& res) {
               res.set_content(
                   metrics.render(service.size(),
                                  witnesses ? witnesses->counts() : std::vector<WitnessCounts>{}),
                   "text/plain; version=0.0.4");
             }));
    // Responses httplib makes itself (404 unknown route, 413 too large, 400 unparsable request)
    // get the same JSON shape as the service's own errors.
    http.set_error_handler(
        httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
          if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          switch (res.status) {
            case 404:
              send_error(res, 404, "not_found", "no such route; see docs/audit-service.md");
              break;
            case 413:
              send_error(res, 413, "body_too_large", "the request body is over the size limit");
              break;
            default:
              send_error(res, res.status, "bad_request", "the request is not valid HTTP/1.1");
          }
          return httplib::Server::HandlerResponse::Handled;
        }));
    web::register_pages(http, service);
    web::register_health_page(http, service, witnesses);
    http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      metrics.count_request(route_label(req), res.status);
    });
  }
};

HttpServer::HttpServer(LogService& service, const HttpLimits& limits,
                       const WitnessPusher* witnesses, ReadAccess readers)
    : impl_(std::make_unique<Impl>(service, witnesses, std::move(readers))) {
  impl_->routes();
  impl_->http.set_payload_max_length(limits.max_body_bytes);
  impl_->http.set_read_timeout(limits.read_timeout_seconds, 0);
  impl_->http.set_write_timeout(limits.write_timeout_seconds, 0);
  impl_->http.set_keep_alive_timeout(limits.read_timeout_seconds);
  impl_->http.set_keep_alive_max_count(1000);
  // Answers are small writes: without TCP_NODELAY, Nagle's algorithm meets the client's delayed
  // ACK and every keep-alive request waits ~40 ms.
  impl_->http.set_tcp_nodelay(true);
  int threads = std::max(1, limits.threads);
  // cpp-httplib takes ownership of the queue it is handed.
  impl_->http.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
}

HttpServer::~HttpServer() = default;

int HttpServer::bind(const std::string& host, int port) {
  int bound = port == 0 ? impl_->http.bind_to_any_port(host)
                        : (impl_->http.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    throw InputError("cannot listen on " + host + ":" + std::to_string(port),
                     "pick a free port, or an address of this machine");
  }
  return bound;
}

void HttpServer::run() { impl_->http.listen_after_bind(); }
void HttpServer::stop() { impl_->http.stop(); }

int serve(const ServeConfig& config) {
  for (auto [value, flag] :
       {std::pair{&config.store, "--store"}, std::pair{&config.origin, "--origin"},
        std::pair{&config.log_key, "--log-key"}}) {
    if (value->empty()) {
      throw InputError(std::string("gate log serve needs ") + flag,
                       "pass it as a flag or set it in the --config file");
    }
  }
  if (config.trust.empty()) {
    throw InputError("gate log serve needs at least one --trust key",
                     "pass the public key(s) that sign Gate decisions: the service appends only "
                     "envelopes they verify");
  }
  ListenAddress address = parse_listen(config.listen);
  if (!config.read_tokens.empty()) {
    std::cerr << ("gate: reads need a read token (" + std::to_string(config.read_tokens.size()) +
                  " configured) or a credential that may append\n");
  } else if (!is_loopback(address.host)) {
    std::cerr << ("gate: warning: no read_tokens configured and listening on " + address.host +
                  ", not loopback: anyone who reaches this port may read the whole log (set "
                  "read_tokens, or listen on 127.0.0.1 behind a proxy that authenticates; see "
                  "docs/audit-service.md, 'Read access')\n");
  }
  Authenticator writers(config.issuers, config.tokens);
  ServiceSetup setup{.store_path = config.store,
                     .origin = config.origin,
                     .log_key = attest::PrivateKey::from_file(config.log_key),
                     .trusted = {},
                     .authenticator = writers,
                     .readers = static_cast<size_t>(std::max(1, config.threads))};
  for (const auto& path : config.trust) setup.trusted.push_back(attest::PublicKey::from_file(path));
  if (setup.authenticator.open()) {
    std::cerr << "gate: warning: no oidc issuer and no token configured: anyone who reaches "
                 "this port may append (for local trials only)\n";
  }
  LogService service(std::move(setup));

  // SIGTERM and SIGINT are taken by one thread (sigwait) so the server stops from normal code,
  // never from a signal handler. Blocked before any other thread exists, so all inherit it.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // Before the listener exists: the start-up push runs while the port opens, and the pusher
  // outlives the server that reads it.
  WitnessPusher witnesses(service, config.witnesses);
  for (const auto& witness : config.witnesses) {
    std::cerr << ("gate: pushing checkpoints to witness " + witness.label() + "\n");
  }

  HttpLimits limits{config.max_body_bytes, config.read_timeout_seconds,
                    config.write_timeout_seconds, config.threads};
  HttpServer server(service, limits, &witnesses, ReadAccess(config.read_tokens, writers));
  int port = server.bind(address.host, address.port);
  std::thread waiter([&] {
    int received = 0;
    sigwait(&signals, &received);
    server.stop();
  });
  // One write: the witness pushers may be writing to stderr already.
  std::cerr << ("gate: serving " + config.origin + " on http://" + address.host + ":" +
                std::to_string(port) + "\n")
            << std::flush;
  server.run();
  // run() also returns when listening fails; wake the waiter so it can be joined.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  std::cerr << "gate: stopped; " << service.size() << " entries\n";
  return 0;
}

}  // namespace gate::server
