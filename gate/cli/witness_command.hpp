#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "attest/witness.hpp"

namespace CLI {
class App;
}
namespace httplib {
class Server;
}

namespace gate::cli {

// The HTTP face of a witness (C2SP tlog-witness): POST <prefix>/add-checkpoint. Requests are
// answered one at a time, so the witness's check-then-store stays atomic.
class WitnessServer {
 public:
  explicit WitnessServer(attest::Witness& witness);
  ~WitnessServer();
  WitnessServer(const WitnessServer&) = delete;
  WitnessServer& operator=(const WitnessServer&) = delete;

  // Binds host:port (port 0: any free port) and serves on a thread; returns the port bound.
  // Throws InputError when it cannot bind.
  int start(const std::string& host, int port);
  void stop();
  // Asks the listener to stop without waiting for it (safe from a signal handler's point of
  // view: it only shuts the listening socket down).
  void interrupt();
  // Blocks until stop() is called from another thread.
  void wait();

 private:
  attest::Witness& witness_;
  std::mutex mutex_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

// `gate log witness`, added under `gate log`.
void add_log_witness_command(CLI::App& log, int& exit_code);

}  // namespace gate::cli
