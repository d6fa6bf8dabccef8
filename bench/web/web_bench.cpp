// The auditor's pages at scale, each figure next to its floor measured in the same run:
//   GET /ui/?repository=R&verdict=fail (a page of 100) vs LogStore::query of the same filters;
//   GET /ui/entries/N vs LogStore::entry.
// With --inventory K every decision names K datasets or models (of 2,000 per repository): the
// Inventory page's first and next requests are timed beside the dashboard's.
#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
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

constexpr int kRepositories = 20;

uint64_t inventory_items = 0;

nlohmann::json inventory(uint64_t n) {
  nlohmann::json items = nlohmann::json::array();
  for (uint64_t i = 0; i < inventory_items; ++i) {
    uint64_t item = (n * 7 + i * 131) % 2000;
    bool model = item % 4 == 0;
    items.push_back({{"kind", model ? "model" : "dataset"},
                     {"path", (model ? "models/m-" : "data/d-") + std::to_string(item) + ".bin"},
                     {"change", "modified"},
                     {"owners", {"@acme/data-team"}},
                     {"license", "CC-BY-4.0"},
                     {"schema", {{"path", "data/schema.json"}, {"sha256", std::string(64, 'e')}}}});
  }
  return items;
}

std::string envelope(const attest::PrivateKey& key, uint64_t n) {
  bool fail = n % 5 == 0;
  nlohmann::json rules = {
      {{"id", "small-files"}, {"status", "pass"}, {"findings", 0}},
      {{"id", "no-secrets"}, {"status", fail ? "fail" : "pass"}, {"findings", fail ? 1 : 0}}};
  nlohmann::json predicate = {
      {"repository", "acme/app-" + std::to_string(n % kRepositories)},
      {"base", attest::to_hex(attest::sha256("base " + std::to_string(n))).substr(0, 40)},
      {"head", attest::to_hex(attest::sha256("head " + std::to_string(n))).substr(0, 40)},
      {"verdict", fail ? "fail" : "pass"},
      {"policy", {{"path", ".gate/policy.yaml"}, {"sha256", std::string(64, 'c')}}},
      {"rules", rules},
      {"waivers", nlohmann::json::array()},
      {"ci", {{"provider", "github"}, {"actor", "bench"}, {"changeId", std::to_string(n / 3)}}},
      {"tool", {{"name", "gate"}, {"version", "bench"}}},
      {"time", attest::format_time(1767225600 + static_cast<int64_t>(n) * 30)}};
  if (inventory_items > 0) predicate["inventory"] = inventory(n);
  return attest::serialize_envelope(attest::sign_envelope(
      attest::kInTotoPayloadType, attest::make_statement(predicate["head"], predicate), key));
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

std::vector<double> timed(uint64_t count, const std::function<void(uint64_t)>& run) {
  std::vector<double> ms;
  for (uint64_t i = 0; i < count; ++i) {
    auto start = Clock::now();
    run(i);
    ms.push_back(std::chrono::duration<double>(Clock::now() - start).count() * 1000);
  }
  return ms;
}

void report(const char* what, const std::vector<double>& direct,
            const std::vector<double>& served) {
  std::printf("%-34s direct p50 %7.3f ms p95 %7.3f ms | served p50 %7.3f ms p95 %7.3f ms\n", what,
              percentile(direct, 0.5), percentile(direct, 0.95), percentile(served, 0.5),
              percentile(served, 0.95));
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t entries = 100000;
  uint64_t requests = 300;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--entries")) entries = std::stoull(argv[i + 1]);
    if (!std::strcmp(argv[i], "--requests")) requests = std::stoull(argv[i + 1]);
    if (!std::strcmp(argv[i], "--inventory")) inventory_items = std::stoull(argv[i + 1]);
  }
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("gate-bench-web-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::string path = (dir / "audit.db").string();
  attest::PrivateKey signer = attest::PrivateKey::generate(attest::KeyType::ed25519);
  attest::PrivateKey log_key = attest::PrivateKey::generate(attest::KeyType::ed25519);
  {
    auto start = Clock::now();
    attest::LogStore store = attest::LogStore::open(path, true, attest::Durability::normal);
    std::vector<std::string> batch;
    for (uint64_t n = 0; n < entries; ++n) {
      batch.push_back(envelope(signer, n));
      if (batch.size() == 5000 || n + 1 == entries) {
        store.append_batch(batch, log_key, attest::LogIdentity{"bench.example/web", false});
        batch.clear();
      }
    }
    std::printf("log    %llu entries written in %.1f s\n", static_cast<unsigned long long>(entries),
                std::chrono::duration<double>(Clock::now() - start).count());
  }

  server::ServiceSetup setup{
      path, "bench.example/web", log_key, {signer.public_key()}, server::Authenticator({}, {}), 4};
  server::LogService service(std::move(setup));
  server::HttpServer http(service, {1 << 20, 10, 10, 8});
  int port = http.bind("127.0.0.1", 0);
  std::thread serving([&] { http.run(); });
  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  for (int i = 0; i < 100 && !client.Get("/healthz"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));

  std::mt19937_64 random(7);
  attest::LogStore reader = attest::LogStore::open(path, false);
  auto direct_search = timed(requests, [&](uint64_t i) {
    attest::LogQuery query;
    query.repository = "acme/app-" + std::to_string(i % kRepositories);
    query.verdict = "fail";
    query.limit = 101;
    reader.query(query);
  });
  auto served_search = timed(requests, [&](uint64_t i) {
    auto res = client.Get("/ui/?repository=acme%2Fapp-" + std::to_string(i % kRepositories) +
                          "&verdict=fail");
    if (!res || res->status != 200) std::printf("search request failed\n");
  });
  report("search  /ui/ (100 results)", direct_search, served_search);
  auto direct_entry = timed(requests, [&](uint64_t) { reader.entry(random() % entries); });
  auto served_entry = timed(requests, [&](uint64_t) {
    auto res = client.Get("/ui/entries/" + std::to_string(random() % entries));
    if (!res || res->status != 200) std::printf("decision request failed\n");
  });
  report("decision /ui/entries/N", direct_entry, served_entry);
  client.set_read_timeout(120);
  for (const char* which : {"first (reads the log)", "next"}) {
    auto start = Clock::now();
    auto dashboard = client.Get("/ui/dashboard");
    std::printf("dashboard /ui/dashboard %-22s %8.0f ms (%s)\n", which,
                std::chrono::duration<double>(Clock::now() - start).count() * 1000,
                dashboard && dashboard->status == 200 ? "200" : "failed");
  }
  if (inventory_items > 0) {
    for (const char* query :
         {"", "?repository=acme%2Fapp-3", "?repository=acme%2Fapp-3&kind=model"}) {
      auto start = Clock::now();
      auto page = client.Get(std::string("/ui/inventory") + query);
      std::printf("inventory /ui/inventory%-38s %8.0f ms (%s, %zu bytes)\n", query,
                  std::chrono::duration<double>(Clock::now() - start).count() * 1000,
                  page && page->status == 200 ? "200" : "failed", page ? page->body.size() : 0);
    }
  }
  http.stop();
  serving.join();
  fs::remove_all(dir);
  return 0;
}
