// `gate log serve` benchmark, every figure next to its floor measured in the same run:
//   appends/s through POST /v1/entries (1, 8, 32 keep-alive clients on 127.0.0.1) vs
//   LogStore::append called directly on a file of its own (the store's floor);
//   GET /v1/proof/inclusion latency p50/p99 vs LogStore::inclusion_proof called directly.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "attest/bytes.hpp"
#include "attest/dsse.hpp"
#include "attest/statement.hpp"
#include "server/http_server.hpp"

using namespace gate;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string envelope(const attest::PrivateKey& key, uint64_t n) {
  nlohmann::json predicate = {
      {"repository", "acme/app"},
      {"base", attest::to_hex(attest::sha256("base " + std::to_string(n))).substr(0, 40)},
      {"head", attest::to_hex(attest::sha256("head " + std::to_string(n))).substr(0, 40)},
      {"verdict", n % 5 ? "pass" : "fail"},
      {"policy", {{"path", ".gate/policy.yaml"}, {"sha256", std::string(64, 'c')}}},
      {"rules", {{{"id", "small-files"}, {"status", "pass"}, {"findings", 0}}}},
      {"waivers", nlohmann::json::array()},
      {"ci", {{"provider", "github"}, {"actor", "bench"}}},
      {"tool", {{"name", "gate"}, {"version", "bench"}}},
      {"time", attest::format_time(1767225600 + static_cast<int64_t>(n))}};
  return attest::serialize_envelope(attest::sign_envelope(
      attest::kInTotoPayloadType, attest::make_statement(predicate["head"], predicate), key));
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t appends = 600;
  uint64_t proofs = 2000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--appends")) appends = std::stoull(argv[i + 1]);
    if (!std::strcmp(argv[i], "--proofs")) proofs = std::stoull(argv[i + 1]);
  }
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("gate-bench-service-" + std::to_string(getpid()));
  fs::create_directories(dir);
  attest::PrivateKey signer = attest::PrivateKey::generate(attest::KeyType::ed25519);
  attest::PrivateKey log_key = attest::PrivateKey::generate(attest::KeyType::ed25519);
  std::vector<std::string> envelopes;
  for (uint64_t i = 0; i < appends * 4; ++i) envelopes.push_back(envelope(signer, i));

  // Floor: the store's own append (one transaction, signed checkpoint, fsync) on its own file.
  double floor_rate = 0;
  {
    attest::LogStore direct = attest::LogStore::open((dir / "direct.db").string(), true);
    auto start = Clock::now();
    for (uint64_t i = 0; i < appends; ++i) direct.append(envelopes[i], log_key);
    floor_rate = static_cast<double>(appends) / seconds_since(start);
  }
  std::printf("floor  store append (direct)        %8.0f appends/s\n", floor_rate);

  std::string token = "bench-token";
  server::StaticToken project{"bench", attest::to_hex(attest::sha256(token)), {"*"}};
  server::ServiceSetup setup{
      (dir / "served.db").string(),         "bench", log_key, {signer.public_key()},
      server::Authenticator({}, {project}), 8};
  server::LogService service(std::move(setup));
  server::HttpServer http(service, {1 << 20, 10, 10, 48});
  int port = http.bind("127.0.0.1", 0);
  std::thread serving([&] { http.run(); });
  // The server accepts once run() has started listening.
  for (int i = 0; i < 100; ++i) {
    httplib::Client probe("127.0.0.1", port);
    if (probe.Get("/healthz")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  std::atomic<uint64_t> next{appends};
  for (int clients : {1, 8, 32}) {
    std::atomic<uint64_t> done{0};
    std::atomic<uint64_t> failed{0};
    uint64_t until = next + appends;
    auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&] {
        httplib::Client client("127.0.0.1", port);
        client.set_keep_alive(true);
        client.set_tcp_nodelay(true);
        httplib::Headers headers = {{"Authorization", "Bearer " + token}};
        for (uint64_t i = next++; i < until; i = next++) {
          auto res = client.Post("/v1/entries", headers, envelopes[i % envelopes.size()],
                                 "application/json");
          (res && res->status == 201 ? done : failed)++;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    double rate = static_cast<double>(done) / seconds_since(start);
    std::printf("serve  POST /v1/entries %2d client%s %8.0f appends/s  %.2fx floor%s\n", clients,
                clients == 1 ? " " : "s", rate, rate / floor_rate, failed ? "  (FAILURES)" : "");
  }

  uint64_t size = service.size();
  std::mt19937_64 random(7);
  std::vector<double> direct_ms, served_ms;
  {
    attest::LogStore reader = attest::LogStore::open((dir / "served.db").string(), false);
    for (uint64_t i = 0; i < proofs; ++i) {
      auto start = Clock::now();
      reader.inclusion_proof(random() % size, size);
      direct_ms.push_back(seconds_since(start) * 1000);
    }
  }
  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  for (uint64_t i = 0; i < proofs; ++i) {
    auto start = Clock::now();
    auto res = client.Get("/v1/proof/inclusion?seq=" + std::to_string(random() % size));
    if (!res || res->status != 200) std::printf("proof request failed\n");
    served_ms.push_back(seconds_since(start) * 1000);
  }
  std::printf(
      "proof  inclusion at %llu entries  direct p50 %.3f ms p99 %.3f ms | served p50 %.3f "
      "ms p99 %.3f ms (%.1fx direct p50)\n",
      static_cast<unsigned long long>(size), percentile(direct_ms, 0.5),
      percentile(direct_ms, 0.99), percentile(served_ms, 0.5), percentile(served_ms, 0.99),
      percentile(served_ms, 0.5) / percentile(direct_ms, 0.5));
  http.stop();
  serving.join();
  fs::remove_all(dir);
  return 0;
}
