// The auditor's pages at scale, each figure next to its floor measured in the same run:
//   GET /ui/?<filters> (a page of 100) vs LogStore::query of the same filters, for the searches
//   an auditor makes (none, a repository, the failures, a failed rule, a commit prefix, an
//   actor, a day, a pull request, a repository's failures);
//   GET /ui/entries/N vs LogStore::entry.
// The log is real: signed envelopes appended through LogStore::append_batch, so every entry has
// its Merkle leaf and subtrees and each batch its signed checkpoint. `--log FILE` keeps the log
// for the next run (a log of the same size there is reused, not rebuilt).
// With --inventory K every decision names K datasets or models (of 2,000 per repository): the
// Inventory page's first and next requests are timed beside the dashboard's.
#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <array>
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
#include "server/web/html.hpp"

using namespace gate;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kHotRepositories = 20;  // 80% of the decisions
constexpr int kRepositories = 200;
constexpr int kActors = 300;
constexpr int64_t kStart = 1767225600;  // 2026-01-01
const std::vector<std::string> kRules = {"no-secrets", "small-files",    "license-header",
                                         "approvals",  "signed-commits", "dependency-review",
                                         "codeowners", "no-binaries"};

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

// One decision of the synthetic log, drawn from a seeded generator: a rerun (or a reused log)
// draws the same ones, so the searches can name values the log holds.
struct Synthetic {
  uint64_t n = 0;
  std::string repository;
  std::string head;
  std::string actor;
  std::string change;  // pull request number, empty for a push
  std::vector<std::string> failed;
  int64_t time = 0;
};

class SyntheticLog {
 public:
  Synthetic next(uint64_t n) {
    Synthetic d;
    d.n = n;
    int repo = random_() % 10 < 8
                   ? static_cast<int>(random_() % kHotRepositories)
                   : kHotRepositories + static_cast<int>(random_() % (kRepositories - 20));
    d.repository = "acme/app-" + std::to_string(repo);
    d.head = attest::to_hex(attest::sha256("head " + std::to_string(n))).substr(0, 40);
    d.actor = "dev-" + std::to_string(random_() % kActors);
    // A pull request gets about four checks; one decision in ten is a push to a branch.
    if (random_() % 4 == 0) ++pull_[repo];
    if (random_() % 10 != 0) d.change = std::to_string(pull_[repo] + 1);
    if (random_() % 100 < 15) {
      d.failed.push_back(kRules[random_() % kRules.size()]);
      if (random_() % 4 == 0) {
        const auto& second = kRules[random_() % kRules.size()];
        if (second != d.failed[0]) d.failed.push_back(second);
      }
    }
    // SyntheticLog reach the log about in time order, not exactly.
    d.time = kStart + static_cast<int64_t>(n) * 30 + static_cast<int64_t>(random_() % 120);
    return d;
  }

 private:
  std::mt19937_64 random_{11};
  std::array<uint64_t, kRepositories> pull_{};
};

std::string envelope(const attest::PrivateKey& key, const Synthetic& d) {
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& id : kRules) {
    bool fail = std::find(d.failed.begin(), d.failed.end(), id) != d.failed.end();
    rules.push_back({{"id", id}, {"status", fail ? "fail" : "pass"}, {"findings", fail ? 1 : 0}});
  }
  nlohmann::json predicate = {
      {"repository", d.repository},
      {"base", attest::to_hex(attest::sha256("base " + d.head)).substr(0, 40)},
      {"head", d.head},
      {"verdict", d.failed.empty() ? "pass" : "fail"},
      {"policy", {{"path", ".gate/policy.yaml"}, {"sha256", std::string(64, 'c')}}},
      {"rules", rules},
      {"waivers", nlohmann::json::array()},
      {"ci",
       {{"provider", "github"},
        {"repository", d.repository},
        {"actor", d.actor},
        {"changeId", d.change}}},
      {"tool", {{"name", "gate"}, {"version", "bench"}}},
      {"time", attest::format_time(d.time)}};
  if (inventory_items > 0) predicate["inventory"] = inventory(d.n);
  return attest::serialize_envelope(attest::sign_envelope(
      attest::kInTotoPayloadType, attest::make_statement(d.head, predicate), key));
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

void report(const std::string& what, const std::vector<double>& direct,
            const std::vector<double>& served, double rows) {
  double store = percentile(direct, 0.95);
  double page = percentile(served, 0.95);
  std::printf(
      "%-26s %6.1f rows | store p50 %7.2f p95 %7.2f ms | page p50 %7.2f p95 %7.2f ms | "
      "page/store p95 %5.2f\n",
      what.c_str(), rows, percentile(direct, 0.5), store, percentile(served, 0.5), page,
      page / std::max(store, 1e-3));
}

// A search: the store's query and the search page's query string, for the i-th request.
struct Search {
  std::string name;
  std::function<std::pair<attest::LogQuery, std::string>(uint64_t i)> make;
};

std::string param(const std::string& name, const std::string& value) {
  return name + "=" + server::web::url_encode(value);
}

uint64_t build_log(const std::string& path, uint64_t entries, const attest::PrivateKey& signer,
                   const attest::PrivateKey& log_key, std::vector<Synthetic>& samples) {
  attest::LogStore store = attest::LogStore::open(path, true, attest::Durability::normal);
  uint64_t have = store.size();
  bool append = have == 0;
  if (!append && have != entries) {
    std::fprintf(stderr, "%s holds %llu entries, not %llu: remove it or pass another --log\n",
                 path.c_str(), static_cast<unsigned long long>(have),
                 static_cast<unsigned long long>(entries));
    std::exit(2);
  }
  SyntheticLog decisions;
  constexpr uint64_t kBatch = 10000;
  std::vector<Synthetic> batch;
  std::vector<std::string> signed_batch;
  for (uint64_t n = 0; n < entries; ++n) {
    batch.push_back(decisions.next(n));
    if (n % 997 == 0) samples.push_back(batch.back());
    if (batch.size() < kBatch && n + 1 < entries) continue;
    if (append) {
      // Signing is most of the cost: two threads share it.
      signed_batch.assign(batch.size(), {});
      std::thread half([&] {
        for (size_t i = 0; i < batch.size(); i += 2) signed_batch[i] = envelope(signer, batch[i]);
      });
      for (size_t i = 1; i < batch.size(); i += 2) signed_batch[i] = envelope(signer, batch[i]);
      half.join();
      store.append_batch(signed_batch, log_key, attest::LogIdentity{"bench.example/web", false});
    }
    batch.clear();
  }
  return have;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t entries = 100000;
  uint64_t requests = 200;
  std::string kept;
  bool dashboard = true;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--entries" && has_value) {
      entries = std::stoull(argv[++i]);
    } else if (arg == "--requests" && has_value) {
      requests = std::stoull(argv[++i]);
    } else if (arg == "--log" && has_value) {
      kept = argv[++i];
    } else if (arg == "--inventory" && has_value) {
      inventory_items = std::stoull(argv[++i]);
    } else if (arg == "--no-dashboard") {
      dashboard = false;
    } else {
      std::fprintf(stderr,
                   "usage: bench_web [--entries N] [--requests N] [--log FILE] [--inventory K] "
                   "[--no-dashboard]\n");
      return 2;
    }
  }
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("gate-bench-web-" + std::to_string(getpid()));
  std::string path = kept;
  if (path.empty()) {
    fs::create_directories(dir);
    path = (dir / "audit.db").string();
  }
  // A kept log keeps its keys beside it: a later run's service must accept its entries.
  auto key_of = [&](const char* name) {
    std::string file = path + "." + name + ".pem";
    if (fs::exists(file)) return attest::PrivateKey::from_file(file);
    attest::PrivateKey key = attest::PrivateKey::generate(attest::KeyType::ed25519);
    std::FILE* out = std::fopen(file.c_str(), "w");
    std::string pem = key.pkcs8_pem();
    if (!out || std::fwrite(pem.data(), 1, pem.size(), out) != pem.size()) std::exit(1);
    std::fclose(out);
    return key;
  };
  attest::PrivateKey signer = key_of("signer");
  attest::PrivateKey log_key = key_of("log");
  std::vector<Synthetic> samples;
  {
    auto start = Clock::now();
    uint64_t had = build_log(path, entries, signer, log_key, samples);
    std::printf("log    %llu entries %s in %.1f s\n", static_cast<unsigned long long>(entries),
                had ? "reused" : "written",
                std::chrono::duration<double>(Clock::now() - start).count());
  }
  {
    // The first open of a log written by an older Gate adds the indexes it lacks.
    auto start = Clock::now();
    attest::LogStore::open(path, false);
    std::printf("open   %.1f s\n", std::chrono::duration<double>(Clock::now() - start).count());
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
  client.set_read_timeout(120);
  for (int i = 0; i < 100 && !client.Get("/healthz"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));

  auto sample = [&](uint64_t i) -> const Synthetic& {
    return samples[(i * 7919) % samples.size()];
  };
  auto repository = [](uint64_t i) {
    // Half the searches in a busy repository, half in a quiet one.
    return "acme/app-" + std::to_string(i % 2 ? i % kHotRepositories
                                              : kHotRepositories + i % (kRepositories - 20));
  };
  const int64_t span = static_cast<int64_t>(entries) * 30;
  std::vector<Search> searches = {
      {"no filter", [](uint64_t) { return std::make_pair(attest::LogQuery{}, std::string()); }},
      {"repository",
       [&](uint64_t i) {
         attest::LogQuery q;
         q.repository = repository(i);
         return std::make_pair(q, param("repository", *q.repository));
       }},
      {"verdict=fail",
       [](uint64_t) {
         attest::LogQuery q;
         q.verdict = "fail";
         return std::make_pair(q, std::string("verdict=fail"));
       }},
      {"failed rule",
       [](uint64_t i) {
         attest::LogQuery q;
         q.rule = kRules[i % kRules.size()];
         return std::make_pair(q, param("rule", *q.rule));
       }},
      {"commit prefix (8 hex)",
       [&](uint64_t i) {
         attest::LogQuery q;
         q.commit = sample(i).head.substr(0, 8);
         return std::make_pair(q, param("commit", *q.commit));
       }},
      {"actor",
       [](uint64_t i) {
         attest::LogQuery q;
         q.actor = "dev-" + std::to_string(i % kActors);
         return std::make_pair(q, param("actor", *q.actor));
       }},
      {"one day (since/until)",
       [&](uint64_t i) {
         attest::LogQuery q;
         q.since = kStart + static_cast<int64_t>((i * 104729) % static_cast<uint64_t>(span));
         q.until = *q.since + 86399;
         return std::make_pair(q, param("since", std::to_string(*q.since)) + "&" +
                                      param("until", std::to_string(*q.until)));
       }},
      {"pull request",
       [&](uint64_t i) {
         const Synthetic& d = sample(i);
         attest::LogQuery q;
         q.repository = d.repository;
         q.change = d.change.empty() ? "1" : d.change;
         return std::make_pair(
             q, param("repository", *q.repository) + "&" + param("change", *q.change));
       }},
      {"repository + fail",
       [&](uint64_t i) {
         attest::LogQuery q;
         q.repository = repository(i);
         q.verdict = "fail";
         return std::make_pair(q, param("repository", *q.repository) + "&verdict=fail");
       }},
      {"repository + rule",
       [&](uint64_t i) {
         attest::LogQuery q;
         q.repository = repository(i);
         q.rule = kRules[i % kRules.size()];
         return std::make_pair(q,
                               param("repository", *q.repository) + "&" + param("rule", *q.rule));
       }},
  };

  attest::LogStore reader = attest::LogStore::open(path, false);
  // Each request's store query and page run one after the other, first one then the other in
  // turn: the first to run pays for reading rows not cached yet, each side half the time.
  auto side_by_side = [&](const std::function<void(uint64_t)>& direct_run,
                          const std::function<void(uint64_t)>& served_run) {
    std::pair<std::vector<double>, std::vector<double>> ms;
    for (uint64_t i = 0; i < requests; ++i) {
      if (i % 2) ms.second.push_back(timed(1, [&](uint64_t) { served_run(i); })[0]);
      ms.first.push_back(timed(1, [&](uint64_t) { direct_run(i); })[0]);
      if (i % 2 == 0) ms.second.push_back(timed(1, [&](uint64_t) { served_run(i); })[0]);
    }
    return ms;
  };
  for (const auto& search : searches) {
    uint64_t rows = 0;
    auto [direct, served] = side_by_side(
        [&](uint64_t i) {
          attest::LogQuery query = search.make(i).first;
          query.limit = 101;  // a page of 100 and one more, as the service asks
          rows += reader.query(query).size();
        },
        [&](uint64_t i) {
          auto res = client.Get("/ui/?" + search.make(i).second);
          if (!res || res->status != 200) std::printf("search %s failed\n", search.name.c_str());
        });
    report("search  " + search.name, direct, served, static_cast<double>(rows) / requests);
  }
  std::mt19937_64 random(7);
  std::vector<uint64_t> picked;
  for (uint64_t i = 0; i < requests; ++i) picked.push_back(random() % entries);
  auto [direct_entry, served_entry] =
      side_by_side([&](uint64_t i) { reader.entry(picked[i]); },
                   [&](uint64_t i) {
                     auto res = client.Get("/ui/entries/" + std::to_string(picked[i]));
                     if (!res || res->status != 200) std::printf("decision request failed\n");
                   });
  report("decision /ui/entries/N", direct_entry, served_entry, 1);
  for (const char* which : {"first (reads the log)", "next"}) {
    if (!dashboard) break;
    auto start = Clock::now();
    auto answer = client.Get("/ui/dashboard");
    std::printf("dashboard /ui/dashboard %-22s %8.0f ms (%s)\n", which,
                std::chrono::duration<double>(Clock::now() - start).count() * 1000,
                answer && answer->status == 200 ? "200" : "failed");
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
  if (kept.empty()) fs::remove_all(dir);
  return 0;
}
