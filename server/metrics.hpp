#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

// Counters and a latency histogram, rendered in the Prometheus text exposition format (0.0.4).
namespace gate::server {

// What the witness pusher counted for one witness, read at scrape time.
struct WitnessCounts {
  std::string witness;                     // its URL, as configured (a bounded label set)
  std::map<std::string, uint64_t> pushes;  // outcome (cosigned, conflict, unavailable) -> count
  uint64_t cosigned_size = 0;              // the largest size it cosigned since start-up
};

class Metrics {
 public:
  void count_request(const std::string& route, int status);
  void observe_append(double seconds);
  // `log_size` and `witnesses` are read by the caller at scrape time.
  std::string render(uint64_t log_size, const std::vector<WitnessCounts>& witnesses = {}) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::array<uint64_t, kBuckets.size()> append_buckets_{};
  uint64_t append_count_ = 0;
  double append_sum_ = 0;
};

}  // namespace gate::server
