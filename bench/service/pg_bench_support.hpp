#pragma once

// What pg_bench measures with: signed decision envelopes made in parallel, timers, percentiles,
// and the service's peak memory read from /proc.
#include <sys/types.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "attest/bytes.hpp"
#include "attest/dsse.hpp"
#include "attest/keys.hpp"
#include "attest/statement.hpp"

namespace gate::bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

constexpr int kRepositories = 50;

inline std::string repository_of(uint64_t n) {
  return "acme/repo-" + std::to_string(n % kRepositories);
}

// Entry n's head commit: a SHA-1-long hex id, so prefix queries find one entry.
inline std::string head_of(uint64_t n) {
  return attest::to_hex(attest::sha256("head " + std::to_string(n))).substr(0, 40);
}

// A decision of the size `gate check` signs for a small policy (about 1 KiB of envelope).
inline std::string envelope(const attest::PrivateKey& key, uint64_t n) {
  nlohmann::json predicate = {
      {"repository", repository_of(n)},
      {"base", attest::to_hex(attest::sha256("base " + std::to_string(n))).substr(0, 40)},
      {"head", head_of(n)},
      {"verdict", n % 5 ? "pass" : "fail"},
      {"policy", {{"path", ".gate/policy.yaml"}, {"sha256", std::string(64, 'c')}}},
      {"rules",
       {{{"id", "small-files"}, {"status", n % 5 ? "pass" : "fail"}, {"findings", n % 5 ? 0 : 1}}}},
      {"waivers", nlohmann::json::array()},
      {"ci", {{"provider", "github"}, {"actor", "user" + std::to_string(n % 40)}}},
      {"tool", {{"name", "gate"}, {"version", "bench"}}},
      {"time", attest::format_time(1767225600 + static_cast<int64_t>(n))}};
  return attest::serialize_envelope(attest::sign_envelope(
      attest::kInTotoPayloadType, attest::make_statement(predicate["head"], predicate), key));
}

// Envelopes first..first+count-1, signed on `threads` threads.
inline std::vector<std::string> envelopes(const attest::PrivateKey& key, uint64_t first,
                                          uint64_t count, unsigned threads) {
  std::vector<std::string> out(count);
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (uint64_t i = t; i < count; i += threads) out[i] = envelope(key, first + i);
    });
  }
  for (auto& worker : workers) worker.join();
  return out;
}

struct Latency {
  double p50 = 0;
  double p99 = 0;
};

inline Latency latency_ms(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  auto at = [&](double p) {
    return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
  };
  return {at(0.5), at(0.99)};
}

// A field of /proc/<pid>/status in kB (VmHWM: peak resident memory), 0 when absent.
inline uint64_t proc_status_kb(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1));
  }
  return 0;
}

}  // namespace gate::bench
