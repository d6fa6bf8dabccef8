#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "attest/witness_client.hpp"
#include "server/log_service.hpp"
#include "server/metrics.hpp"

// `gate log serve` and its witnesses (C2SP tlog-witness): background threads, one a witness,
// push the log's newest checkpoint with a consistency proof from what that witness cosigned
// last, and keep the cosignatures they return, in memory, to serve (C2SP tlog-cosignature).
// Appends never wait for a witness: they only flag that a newer checkpoint exists, and a push
// takes whatever checkpoint is newest when it starts, so appends during a push coalesce into one.
namespace gate::server {

// When a push that got no cosignature is tried again: after `first_retry`, doubling up to
// `max_retry`, and from then on every `max_retry` until the witness cosigns. A conflict is
// re-checked every `max_retry` (it does not heal by itself, and must not be hammered).
struct PushSchedule {
  std::chrono::milliseconds first_retry{1000};
  std::chrono::milliseconds max_retry{60000};
};

class WitnessPusher {
 public:
  // Registers itself with `service.on_append` and starts pushing the latest checkpoint at once.
  WitnessPusher(LogService& service, std::vector<attest::WitnessEndpoint> witnesses,
                PushSchedule schedule = {});
  // Unregisters, then stops the threads; a push in flight ends within its witness's timeout.
  ~WitnessPusher();
  WitnessPusher(const WitnessPusher&) = delete;
  WitnessPusher& operator=(const WitnessPusher&) = delete;

  // A newer checkpoint exists (called on every append; takes a mutex, never blocks on I/O).
  void notify();

  // The largest checkpoint some witness cosigned, followed by the cosignature line of every
  // witness that cosigned that very checkpoint; nullopt before any did.
  std::optional<std::string> cosigned_checkpoint() const;
  // {"witnesses": [{url, key_id, name, key_hash, state, cosigned_size, timestamp, last_error,
  // pushes}]}
  nlohmann::json status() const;
  std::vector<WitnessCounts> counts() const;

 private:
  struct Cosigned {
    std::string note;  // the log's signed checkpoint as pushed
    uint64_t size = 0;
    std::string line;  // the witness's cosignature line(s) that verify under its key
    std::string name;  // the witness's name, as its line carries it
    uint64_t timestamp = 0;
  };
  struct Worker {
    explicit Worker(attest::WitnessEndpoint witness) : endpoint(std::move(witness)) {}
    attest::WitnessEndpoint endpoint;
    // Guarded by the pusher's mutex_.
    std::optional<Cosigned> cosigned;
    std::string state = "pending";
    std::string last_error;
    std::map<std::string, uint64_t> pushes;
    uint64_t largest_cosigned = 0;
  };
  enum class Next { wait_for_append, retry_soon, retry_late };

  void run(Worker& worker);
  Next push_once(Worker& worker, uint64_t& known_size);

  LogService& service_;
  PushSchedule schedule_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t generation_ = 1;  // bumped by every append; threads start one behind (start-up push)
  bool stopping_ = false;
};

}  // namespace gate::server
