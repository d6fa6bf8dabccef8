#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tests/support/support.hpp"

namespace gate::test {

// A throwaway PostgreSQL 15 cluster: initdb into a temp folder as an unprivileged user (the
// system user `gate-test`, created when the tests run as root), listening only on a Unix socket
// in that folder; stopped and removed when the object dies.
// How the throwaway server runs. Tests want speed; a benchmark wants the durability a real
// server has (fsync on) and may set more (`-c name=value` settings such as shared_buffers).
struct PgClusterOptions {
  bool fsync = false;
  int max_connections = 64;
  std::vector<std::string> settings;  // extra "name=value" server settings
};

class PgCluster {
 public:
  // Empty when a cluster can be started here; else why not (tests skip with it).
  static std::string unavailable_reason();

  // Throws std::runtime_error with the server's log when it does not start.
  explicit PgCluster(PgClusterOptions options = {});
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // libpq connection string for `user` (the superuser is "postgres") on `database`.
  std::string conninfo(const std::string& user = "postgres",
                       const std::string& database = "postgres") const;
  // The same as a postgresql:// URL, as `--log` and `--store` take it.
  std::string url(const std::string& user = "postgres",
                  const std::string& database = "postgres") const;
  void stop();
  void start();

 private:
  RunResult as_owner(std::vector<std::string> argv) const;
  TempDir dir_;
  PgClusterOptions options_;
  std::optional<std::string> run_as_;
  bool running_ = false;
};

}  // namespace gate::test

// Skips the current test when PostgreSQL is not installed.
#define GATE_REQUIRE_POSTGRES()                                                 \
  do {                                                                          \
    if (auto why = ::gate::test::PgCluster::unavailable_reason(); !why.empty()) \
      GTEST_SKIP() << why;                                                      \
  } while (0)
