// The audit log on PostgreSQL and `gate log serve` on it, every figure next to its floor
// measured in the same run, on a throwaway cluster (tests/support/pg_cluster):
//   appends/s with 1, 8, 32 clients: POST /v1/entries over keep-alive HTTP, and LogStore::append
//     directly, against a libpq loop of one-row INSERT transactions on as many connections;
//   proof and query latency p50/p99 at N entries (built with append_batch): each route against
//     the LogStore calls that answer it, made directly;
//   the service's peak resident memory after the query load against its memory when idle.
// Run: bench_pg_service [--entries N] [--appends N] [--queries N] [--fsync on|off]
#include <httplib.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <functional>
#include <future>
#include <random>
#include <stdexcept>

#include "attest/checkpoint.hpp"
#include "attest/log_store.hpp"
#include "attest/pg.hpp"
#include "attest/pg_log_backend.hpp"
#include "bench/service/pg_bench_support.hpp"
#include "tests/service/service_process.hpp"
#include "tests/support/pg_cluster.hpp"

using namespace gate;
using namespace gate::bench;

namespace {

struct Options {
  uint64_t entries = 1000000;
  uint64_t appends = 2000;  // per client count and path
  uint64_t queries = 2000;  // per route and side
  uint64_t batch = 5000;
  bool fsync = true;
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
    std::string value = argv[++i];
    if (flag == "--entries") {
      options.entries = std::stoull(value);
    } else if (flag == "--appends") {
      options.appends = std::stoull(value);
    } else if (flag == "--queries") {
      options.queries = std::stoull(value);
    } else if (flag == "--batch") {
      options.batch = std::max<uint64_t>(1, std::stoull(value));
    } else if (flag == "--fsync") {
      if (value != "on" && value != "off") throw std::invalid_argument("--fsync takes on or off");
      options.fsync = value == "on";
    } else {
      throw std::invalid_argument("unknown flag " + flag +
                                  " (--entries, --appends, --queries, --batch, --fsync)");
    }
  }
  if (options.entries == 0 || options.appends == 0 || options.queries == 0) {
    throw std::invalid_argument("--entries, --appends and --queries must be above 0");
  }
  return options;
}

void line(const std::string& name, double value, double floor, const char* unit, int digits) {
  std::printf("%s: %.*f %s (floor %.*f %s, ratio %.2fx)\n", name.c_str(), digits, value, unit,
              digits, floor, unit, value / floor);
  std::fflush(stdout);
}

// Runs `count` operations on `clients` threads, each with its own state from `connect`; returns
// operations per second. `operation` gets the thread's state and the operation's number.
template <typename State>
double rate(int clients, uint64_t count, const std::function<State()>& connect,
            const std::function<void(State&, uint64_t)>& operation) {
  std::atomic<uint64_t> next{0};
  std::vector<State> states;
  for (int c = 0; c < clients; ++c) states.push_back(connect());
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      for (uint64_t i = next++; i < count; i = next++) operation(states[c], i);
    });
  }
  for (auto& thread : threads) thread.join();
  return static_cast<double>(count) / seconds_since(start);
}

// Builds the log to `count` entries with append_batch, signing the next batch while the
// store takes the current one.
void build_log(const std::string& url, const attest::PrivateKey& signer,
               const attest::PrivateKey& log_key, const std::string& origin, const Options& opts) {
  attest::LogStore store = attest::LogStore::open(url, false, attest::Durability::normal);
  auto start = Clock::now();
  uint64_t first = 0;
  auto sign = [&](uint64_t from) {
    return envelopes(signer, from, std::min(opts.batch, opts.entries - from), 2);
  };
  std::vector<std::string> batch = sign(0);
  while (!batch.empty()) {
    uint64_t after = first + batch.size();
    std::future<std::vector<std::string>> upcoming;
    if (after < opts.entries) upcoming = std::async(std::launch::async, sign, after);
    store.append_batch(batch, log_key, attest::LogIdentity{origin, false});
    batch = upcoming.valid() ? upcoming.get() : std::vector<std::string>{};
    first = after;
    if (first % 100000 == 0) {
      std::fprintf(stderr, "built %llu entries in %.0f s\n", static_cast<unsigned long long>(first),
                   seconds_since(start));
    }
  }
  std::printf("log built: %llu entries in %.1f s (append_batch of %llu, Durability::normal)\n",
              static_cast<unsigned long long>(opts.entries), seconds_since(start),
              static_cast<unsigned long long>(opts.batch));
}

uint64_t checkpoint_size(attest::LogStore& store) {
  return attest::parse_checkpoint(*store.latest_checkpoint(), store.path()).checkpoint.size;
}

}  // namespace

int main(int argc, char** argv) try {
  Options opts = parse(argc, argv);
  if (auto why = gate::test::PgCluster::unavailable_reason(); !why.empty()) {
    std::fprintf(stderr, "bench_pg_service: %s\n", why.c_str());
    return 2;
  }
  gate::test::PgClusterOptions cluster_options;
  cluster_options.fsync = opts.fsync;
  cluster_options.max_connections = 100;
  gate::test::PgCluster cluster(cluster_options);
  {
    attest::pg::Connection admin = attest::pg::Connection::open(cluster.conninfo());
    admin.exec("CREATE ROLE gate_owner LOGIN; CREATE ROLE gate_service LOGIN");
    admin.exec("CREATE DATABASE gate OWNER gate_owner");
  }
  attest::install_postgres_log(cluster.url("gate_owner", "gate"), "gate_service");
  const std::string url = cluster.url("gate_service", "gate");
  std::printf(
      "PostgreSQL 15 on a Unix socket, fsync=%s, synchronous_commit=on for appends, "
      "default shared_buffers; %u cores\n",
      opts.fsync ? "on" : "off", std::thread::hardware_concurrency());

  attest::PrivateKey signer = attest::PrivateKey::generate(attest::KeyType::ed25519);
  attest::PrivateKey log_key = attest::PrivateKey::generate(attest::KeyType::ed25519);
  const std::string origin = "bench.gate.local/audit-log";
  build_log(url, signer, log_key, origin, opts);
  {
    // What autovacuum does after a bulk load, done now so the planner sees the table's size.
    attest::pg::Connection owner =
        attest::pg::Connection::open(cluster.conninfo("gate_owner", "gate"));
    owner.exec(
        "VACUUM ANALYZE entries, entry_rules, entry_rule_times, entry_changes, nodes, checkpoints, "
        "identities");
    // The plans of the two queries measured below, for whoever reads the figures.
    for (const std::string& where : {"head LIKE '" + head_of(1).substr(0, 7) + "%'",
                                     "repository = '" + repository_of(1) + "'"}) {
      auto plan = owner.exec("EXPLAIN SELECT seq FROM entries WHERE " + where +
                             " ORDER BY time, seq LIMIT 101");
      std::fprintf(stderr, "plan for %s:\n", where.c_str());
      for (int row = 0; row < plan.rows(); ++row) {
        std::fprintf(stderr, "  %s\n", plan.text(row, 0).c_str());
      }
    }
  }

  // Appends: every path gets envelopes of its own, numbered after the built log.
  std::vector<std::string> fresh =
      envelopes(signer, opts.entries, opts.appends * 6, std::thread::hardware_concurrency());
  uint64_t used = 0;
  auto take = [&](uint64_t i) -> const std::string& { return fresh[used + i]; };

  const std::string owner_info = cluster.conninfo("gate_owner", "gate");
  {
    attest::pg::Connection owner = attest::pg::Connection::open(owner_info);
    owner.exec(
        "CREATE TABLE floor_rows(id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "body bytea NOT NULL)");
  }
  double floor_rate[3] = {};
  double store_rate[3] = {};
  const int kClients[3] = {1, 8, 32};
  for (int k = 0; k < 3; ++k) {
    // One row of an entry's size per transaction, as an append commits one.
    floor_rate[k] = rate<attest::pg::Connection>(
        kClients[k], opts.appends, [&] { return attest::pg::Connection::open(owner_info); },
        [&](attest::pg::Connection& conn, uint64_t i) {
          conn.exec("BEGIN");
          conn.exec_prepared("floor_insert", "INSERT INTO floor_rows(body) VALUES($1::bytea)",
                             {attest::pg::bytea_param(fresh[i])});
          conn.exec("COMMIT");
        });
    store_rate[k] = rate<attest::LogStore>(
        kClients[k], opts.appends, [&] { return attest::LogStore::open(url, false); },
        [&](attest::LogStore& store, uint64_t i) {
          store.append(take(i), log_key, attest::LogIdentity{origin, false});
        });
    used += opts.appends;
  }

  // The service as a real process on the same database.
  const std::string token = "bench-token-0123456789";
  gate::test::TempDir dir;
  gate::test::write_file(dir.path() / "log.key", log_key.pkcs8_pem());
  gate::test::write_file(dir.path() / "decision.pub", signer.public_key().pem());
  gate::test::write_file(
      dir.path() / "serve.yaml",
      "store: " + url + "\norigin: " + origin + "\nlog_key: " + (dir.path() / "log.key").string() +
          "\ntrust: [" + (dir.path() / "decision.pub").string() +
          "]\nthreads: 40\ntokens:\n  - name: bench\n    sha256: " +
          attest::to_hex(attest::sha256(token)) + "\n    repositories: [\"*\"]\n");
  server::test::ServiceProcess service({"--config", (dir.path() / "serve.yaml").string()});
  uint64_t idle_kb = gate::bench::proc_status_kb(service.pid(), "VmRSS");
  auto http_client = [&] {
    httplib::Client client("127.0.0.1", service.port());
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    client.set_read_timeout(30);
    return client;
  };
  std::atomic<uint64_t> failed{0};
  for (int k = 0; k < 3; ++k) {
    double served = rate<httplib::Client>(
        kClients[k], opts.appends, http_client, [&](httplib::Client& client, uint64_t i) {
          auto res = client.Post("/v1/entries", {{"Authorization", "Bearer " + token}}, take(i),
                                 "application/json");
          if (!res || res->status != 201) ++failed;
        });
    used += opts.appends;
    std::string clients = std::to_string(kClients[k]) + (kClients[k] == 1 ? " client" : " clients");
    line("append POST /v1/entries, " + clients, served, floor_rate[k], "appends/s", 0);
    line("append LogStore::append, " + clients, store_rate[k], floor_rate[k], "appends/s", 0);
  }
  if (failed)
    std::printf("append failures over HTTP: %llu\n",
                static_cast<unsigned long long>(failed.load()));

  // Latency: each route against the LogStore calls that answer it, on one connection each.
  attest::LogStore direct = attest::LogStore::open(url, false);
  const uint64_t size = checkpoint_size(direct);
  httplib::Client client = http_client();
  std::mt19937_64 random(7);
  auto get = [&](const std::string& path) {
    auto res = client.Get(path);
    if (!res || res->status != 200) {
      throw std::runtime_error("GET " + path + ": " +
                               (res ? res->body : httplib::to_string(res.error())));
    }
  };
  struct Route {
    std::string name;
    std::function<std::string(uint64_t pick)> path;
    std::function<void(uint64_t pick)> store_calls;
  };
  auto identities = [&](const std::vector<attest::LogEntry>& found) {
    for (const auto& entry : found) direct.identity(entry.seq);
  };
  std::vector<Route> routes = {
      {"GET /v1/proof/inclusion?seq=random",
       [&](uint64_t pick) { return "/v1/proof/inclusion?seq=" + std::to_string(pick % size); },
       [&](uint64_t pick) {
         uint64_t tree = checkpoint_size(direct);
         direct.leaf_hash(pick % size);
         direct.root(tree);
         direct.inclusion_proof(pick % size, tree);
         direct.checkpoint(tree);
       }},
      {"GET /v1/proof/consistency?old=random",
       [&](uint64_t pick) {
         return "/v1/proof/consistency?old=" + std::to_string(pick % size + 1);
       },
       [&](uint64_t pick) {
         uint64_t tree = checkpoint_size(direct);
         direct.root(pick % size + 1);
         direct.root(tree);
         direct.consistency_proof(pick % size + 1, tree);
         direct.checkpoint(tree);
       }},
      {"GET /v1/entries?commit=<7 hex>",
       [&](uint64_t pick) {
         return "/v1/entries?commit=" + head_of(pick % opts.entries).substr(0, 7);
       },
       [&](uint64_t pick) {
         attest::LogQuery query;
         query.commit = head_of(pick % opts.entries).substr(0, 7);
         query.limit = 101;
         identities(direct.query(query));
       }},
      {"GET /v1/entries?repository=...&limit=100",
       [&](uint64_t pick) { return "/v1/entries?limit=100&repository=" + repository_of(pick); },
       [&](uint64_t pick) {
         attest::LogQuery query;
         query.repository = repository_of(pick);
         query.limit = 101;
         identities(direct.query(query));
       }},
      {"GET /v1/entries/N",
       [&](uint64_t pick) { return "/v1/entries/" + std::to_string(pick % size); },
       [&](uint64_t pick) {
         direct.entry(pick % size);
         direct.identity(pick % size);
       }},
  };
  for (const auto& route : routes) {
    std::vector<uint64_t> picks(opts.queries);
    for (auto& pick : picks) pick = random();
    std::vector<double> store_ms, served_ms;
    for (uint64_t pick : picks) {
      auto start = Clock::now();
      route.store_calls(pick);
      store_ms.push_back(seconds_since(start) * 1000);
    }
    for (uint64_t pick : picks) {
      auto start = Clock::now();
      get(route.path(pick));
      served_ms.push_back(seconds_since(start) * 1000);
    }
    Latency store = latency_ms(store_ms);
    Latency served = latency_ms(served_ms);
    std::string at = " at " + std::to_string(size) + " entries";
    line(route.name + " p50" + at, served.p50, store.p50, "ms", 3);
    line(route.name + " p99" + at, served.p99, store.p99, "ms", 3);
  }
  uint64_t peak_kb = gate::bench::proc_status_kb(service.pid(), "VmHWM");
  line("service peak RSS (VmHWM) after the query load at " + std::to_string(size) + " entries",
       static_cast<double>(peak_kb) / 1024, static_cast<double>(idle_kb) / 1024, "MiB", 1);
  return failed ? 1 : 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_pg_service: %s\n", e.what());
  return 2;
}
