#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "server/log_service.hpp"
#include "server/metrics.hpp"
#include "server/read_access.hpp"
#include "server/witness_push.hpp"

// The HTTP front of the log service (cpp-httplib): routes, limits, JSON errors, metrics.
namespace gate::server {

struct HttpLimits {
  size_t max_body_bytes = 1 << 20;
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 10;
  int threads = 16;
};

class HttpServer {
 public:
  // `witnesses`, when given, answers /v1/checkpoint/cosigned and /v1/witnesses and must outlive
  // the server; without it the service has no witnesses. `readers` decides who may read (every
  // request but POST /v1/entries, /healthz and /ui/verify.js); by default anyone.
  HttpServer(LogService& service, const HttpLimits& limits,
             const WitnessPusher* witnesses = nullptr, ReadAccess readers = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds; port 0 picks a free port. Returns the port, or throws InputError.
  int bind(const std::string& host, int port);
  // Serves until stop(); requests in flight finish first.
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// `gate log serve`: opens the store, binds, serves until SIGTERM or SIGINT, then drains.
int serve(const struct ServeConfig& config);

}  // namespace gate::server
