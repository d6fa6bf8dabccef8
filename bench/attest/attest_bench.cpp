// Audit log benchmark. Prints each figure next to its floor, measured in the same run:
//   floors: raw SHA-256 (leaf and node hashing), Ed25519 sign and verify, fsync
//   appends/s with one signed entry per transaction (sign + insert + signed checkpoint + fsync)
//   log verify over N entries vs (hash leaves + nodes + verify signatures)
//   inclusion / consistency proof latency at N; queries by commit and by time range at N
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "attest/dsse.hpp"
#include "attest/keys.hpp"
#include "attest/log_store.hpp"
#include "attest/log_verify.hpp"
#include "attest/merkle.hpp"
#include "attest/statement.hpp"

using namespace gate::attest;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string commit_id(uint64_t n) {
  return to_hex(sha256("commit " + std::to_string(n))).substr(0, 40);
}

constexpr int64_t kStart = 1767225600;  // 2026-01-01T00:00:00Z

// A decision like `gate check` signs: a dozen rules, one waiver, CI context.
std::string decision_envelope(const PrivateKey& key, uint64_t n) {
  nlohmann::json rules = nlohmann::json::array();
  for (int r = 0; r < 12; ++r) {
    bool failed = n % 7 == 0 && r == 3;
    rules.push_back({{"id", "rule-" + std::to_string(r)},
                     {"type", "forbidden-paths"},
                     {"severity", "error"},
                     {"status", failed ? "fail" : "pass"},
                     {"findings", failed ? 1 : 0},
                     {"waived", 0}});
  }
  nlohmann::json predicate = {
      {"repository", "acme/repo-" + std::to_string(n % 50)},
      {"base", commit_id(n + 1000000000)},
      {"head", commit_id(n)},
      {"mergeBase", commit_id(n + 1000000000)},
      {"policy",
       {{"path", ".gate/policy.yaml"},
        {"sha256", to_hex(sha256("policy"))},
        {"revision", commit_id(7)},
        {"source", "base"}}},
      {"mode", "enforce"},
      {"verdict", n % 7 == 0 ? "fail" : "pass"},
      {"rules", rules},
      {"waivers",
       {{{"rule", "rule-5"},
         {"paths", {"vendor/**"}},
         {"reason", "third-party code"},
         {"approvedBy", "carol"},
         {"expires", "2026-12-31"}}}},
      {"ci",
       {{"provider", "github"},
        {"repository", "acme/repo"},
        {"actor", "user" + std::to_string(n % 40)},
        {"runUrl", "https://github.com/acme/repo/actions/runs/" + std::to_string(n)}}},
      {"tool", {{"name", "gate"}, {"version", "0.1.0"}}},
      {"time", format_time(kStart + static_cast<int64_t>(n) * 30)}};
  return serialize_envelope(
      sign_envelope(kInTotoPayloadType, make_statement(commit_id(n), predicate), key));
}

PrivateKey bench_key(const std::string& path) {
  if (std::filesystem::exists(path)) return PrivateKey::from_file(path);
  PrivateKey key = PrivateKey::generate(KeyType::ed25519);
  std::ofstream(path) << key.pkcs8_pem();
  return key;
}

void line(const char* what, double value, const char* unit, const char* floor_name, double floor,
          const char* floor_unit, double ratio) {
  std::printf("%-44s %12.1f %-8s | floor %-30s %12.1f %-8s | ratio %.2fx\n", what, value, unit,
              floor_name, floor, floor_unit, ratio);
}

EVP_MD_CTX* verify_context(EVP_PKEY* key) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (!ctx || EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key) != 1) std::abort();
  return ctx;
}

// Seconds for: every leaf and node hashed (RFC 9162 tree over `envelopes`), every signature
// verified. Best of the two ways OpenSSL 3 allows reusing an Ed25519 context.
double verify_floor(const std::vector<std::string>& envelopes,
                    const std::vector<std::pair<std::string, std::string>>& messages,
                    EVP_PKEY* key) {
  EVP_MD* sha256_md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD_CTX* digest = EVP_MD_CTX_new();
  auto hash = [&](std::initializer_list<std::string_view> parts) {
    Hash out;
    EVP_DigestInit_ex2(digest, sha256_md, nullptr);
    for (auto part : parts) EVP_DigestUpdate(digest, part.data(), part.size());
    EVP_DigestFinal_ex(digest, out.data(), nullptr);
    return out;
  };
  double best = 1e300;
  for (int variant = 0; variant < 2; ++variant) {
    EVP_MD_CTX* prototype = verify_context(key);
    EVP_MD_CTX* work = EVP_MD_CTX_new();
    auto start = Clock::now();
    std::vector<Hash> frontier;  // the right edge: hash each node once, as the tree grows
    uint64_t failures = 0;
    for (size_t i = 0; i < envelopes.size(); ++i) {
      const auto& [message, signature] = messages[i];
      if (variant == 0) {
        EVP_MD_CTX_copy_ex(work, prototype);
      } else {
        EVP_DigestVerifyInit(work, nullptr, nullptr, nullptr, key);
      }
      failures +=
          EVP_DigestVerify(work, reinterpret_cast<const unsigned char*>(signature.data()),
                           signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                           message.size()) != 1;
      Hash node = hash({std::string_view("\0", 1), envelopes[i]});
      for (uint64_t n = i; n & 1; n >>= 1) {
        node = hash({std::string_view("\x01", 1), as_bytes(frontier.back()), as_bytes(node)});
        frontier.pop_back();
      }
      frontier.push_back(node);
    }
    double seconds = seconds_since(start);
    if (failures)
      std::printf("floor: %llu signatures did not verify\n",
                  static_cast<unsigned long long>(failures));
    best = std::min(best, seconds);
    EVP_MD_CTX_free(work);
    EVP_MD_CTX_free(prototype);
  }
  EVP_MD_CTX_free(digest);
  EVP_MD_free(sha256_md);
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t entries = 100000;
  std::string dir = "/tmp/gate-bench-attest";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--entries") == 0) entries = std::stoull(argv[i + 1]);
    if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::filesystem::create_directories(dir);
  // Kept beside the logs so a later run reuses a generated log (and can verify it).
  PrivateKey signer = bench_key(dir + "/signer.pem");
  PrivateKey log_key = bench_key(dir + "/log.pem");
  std::string sample = decision_envelope(signer, 1);
  std::printf("envelope size: %zu bytes; entries: %llu\n\n", sample.size(),
              static_cast<unsigned long long>(entries));

  // Floors.
  auto start = Clock::now();
  int hashes = 200000;
  Hash sink{};
  for (int i = 0; i < hashes; ++i) sink = merkle::leaf_hash(sample);
  double leaf_seconds = seconds_since(start) / hashes;
  start = Clock::now();
  for (int i = 0; i < hashes; ++i) sink = merkle::node_hash(sink, sink);
  double node_seconds = seconds_since(start) / hashes;
  int signs = 5000;
  std::string signature;
  start = Clock::now();
  for (int i = 0; i < signs; ++i) signature = signer.sign(sample);
  double sign_seconds = seconds_since(start) / signs;
  start = Clock::now();
  for (int i = 0; i < signs; ++i) signer.public_key().verify(sample, signature);
  double verify_seconds = seconds_since(start) / signs;
  std::string fsync_path = dir + "/fsync.probe";
  int fd = open(fsync_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int syncs = 50;
  start = Clock::now();
  for (int i = 0; i < syncs; ++i) {
    if (write(fd, sample.data(), 512) < 0 || fsync(fd) != 0) return 1;
  }
  double fsync_seconds = seconds_since(start) / syncs;
  close(fd);
  std::filesystem::remove(fsync_path);
  std::printf(
      "floors: SHA-256 leaf %.2f us (%.0f MB/s), node %.3f us, Ed25519 sign %.1f us "
      "(%.0f/s), verify %.1f us (%.0f/s), fsync %.2f ms\n\n",
      leaf_seconds * 1e6, sample.size() / leaf_seconds / 1e6, node_seconds * 1e6,
      sign_seconds * 1e6, 1 / sign_seconds, verify_seconds * 1e6, 1 / verify_seconds,
      fsync_seconds * 1e3);

  // Appends: one signed entry per transaction, as `gate check` does.
  {
    std::string path = dir + "/appends.db";
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
    for (auto durability : {Durability::full, Durability::normal}) {
      LogStore log = LogStore::open(path, true, durability);
      int appends = 200;
      uint64_t base = log.size();
      start = Clock::now();
      for (int i = 0; i < appends; ++i) log.append(decision_envelope(signer, base + i), log_key);
      double per_append = seconds_since(start) / appends;
      // Floor: what one append cannot avoid: two signatures (envelope, checkpoint) and, with
      // full durability, one fsync.
      double floor = 2 * sign_seconds + (durability == Durability::full ? fsync_seconds : 0);
      line(durability == Durability::full ? "appends/s (synchronous=FULL)"
                                          : "appends/s (synchronous=NORMAL)",
           1 / per_append, "/s", durability == Durability::full ? "2 signs + 1 fsync" : "2 signs",
           1 / floor, "/s", floor / per_append);
    }
  }

  // A log of `entries` entries, bulk-loaded (one transaction per 100,000 entries).
  std::string path = dir + "/log-" + std::to_string(entries) + ".db";
  bool fresh = !std::filesystem::exists(path);
  std::vector<Hash> leaves;
  if (fresh) {
    start = Clock::now();
    LogStore log = LogStore::open(path, true, Durability::normal);
    constexpr uint64_t kBatch = 100000;
    double signing = 0;
    double appending = 0;
    for (uint64_t first = 0; first < entries; first += kBatch) {
      // Signing dominates generation and is independent per envelope: two threads share it.
      std::vector<std::string> batch(std::min(kBatch, entries - first));
      auto sign_range = [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) batch[i] = decision_envelope(signer, first + i);
      };
      auto phase = Clock::now();
      std::thread helper(sign_range, batch.size() / 2, batch.size());
      sign_range(0, batch.size() / 2);
      helper.join();
      signing += seconds_since(phase);
      phase = Clock::now();
      log.append_batch(batch, log_key);
      appending += seconds_since(phase);
    }
    std::printf(
        "\ngenerated %llu entries in %.1f s: signing %.1f s (2 threads), append_batch "
        "%.1f s (%.1f us/entry)\n",
        static_cast<unsigned long long>(entries), seconds_since(start), signing, appending,
        appending / static_cast<double>(entries) * 1e6);
  }

  // Verify vs floor (hash every leaf and node, verify every signature) on the same envelopes.
  {
    LogStore log = LogStore::open(path, false);
    std::vector<std::string> envelopes;
    envelopes.reserve(entries);
    log.for_each_entry([&](const LogEntry& entry) { envelopes.push_back(entry.envelope); });
    LogVerifyOptions options;
    options.trusted = {signer.public_key()};
    options.log_key = log_key.public_key();
    // One worker: the same work as the single-threaded floor. Then every core, as Gate runs.
    options.threads = 1;
    start = Clock::now();
    LogVerifyResult result = verify_log(log, options);
    double verify_total = seconds_since(start);
    if (!result.ok) std::printf("verify FAILED: %s\n", result.problem.c_str());
    options.threads = 0;
    start = Clock::now();
    result = verify_log(log, options);
    double verify_parallel = seconds_since(start);
    if (!result.ok) std::printf("verify FAILED: %s\n", result.problem.c_str());

    // The floor: what verification cannot avoid, done with raw OpenSSL at its fastest. The
    // signed messages and signatures are decoded before the clock starts; then SHA-256 of every
    // leaf and inner node (one reused digest context) and one Ed25519 verify per envelope (one
    // verification context initialised once and copied per call, or re-initialised in place,
    // whichever is faster on this machine).
    std::vector<std::pair<std::string, std::string>> signed_messages;
    signed_messages.reserve(envelopes.size());
    for (const auto& envelope : envelopes) {
      Envelope parsed = parse_envelope(envelope, "e");
      signed_messages.emplace_back(pae(parsed.payload_type, parsed.payload),
                                   parsed.signatures[0].sig);
    }
    double floor_total = verify_floor(envelopes, signed_messages, signer.public_key().get());
    // Where one worker's time beyond the floor goes: reading the entries, parsing the envelopes,
    // parsing their statements.
    start = Clock::now();
    uint64_t read_entries = 0;
    log.for_each_entry([&](const LogEntry&) { ++read_entries; });
    double reading = seconds_since(start);
    start = Clock::now();
    std::vector<Envelope> parsed_envelopes;
    parsed_envelopes.reserve(envelopes.size());
    for (const auto& envelope : envelopes)
      parsed_envelopes.push_back(parse_envelope(envelope, "e"));
    double envelope_parsing = seconds_since(start);
    start = Clock::now();
    for (const auto& envelope : parsed_envelopes) summarize_decision(envelope, "e");
    double statement_parsing = seconds_since(start);
    std::printf(
        "\none worker beyond the floor: reading %llu entries %.1f s, parsing envelopes %.1f s, "
        "parsing statements %.1f s\n",
        static_cast<unsigned long long>(read_entries), reading, envelope_parsing,
        statement_parsing);
    std::printf("\n");
    line("log verify, 1 worker (s)", verify_total, "s", "SHA-256 leaves+nodes, Ed25519 verify",
         floor_total, "s", verify_total / floor_total);
    line("log verify, one worker per core (s)", verify_parallel, "s", "the same floor, one thread",
         floor_total, "s", verify_parallel / floor_total);
  }

  // Proof latency at `entries`, through the store (O(log n) indexed reads each).
  {
    LogStore log = LogStore::open(path, false);
    std::mt19937_64 random(42);
    int proofs = 1000;
    uint64_t size = log.size();
    start = Clock::now();
    for (int i = 0; i < proofs; ++i) log.inclusion_proof(random() % size, size);
    double inclusion = seconds_since(start) / proofs;
    start = Clock::now();
    for (int i = 0; i < proofs; ++i) log.consistency_proof(1 + random() % (size - 1), size);
    double consistency = seconds_since(start) / proofs;
    // Floor: hashing the proof's log2(n) nodes in memory, i.e. what a verifier does.
    double floor = 2 * std::log2(static_cast<double>(size)) * node_seconds;
    line("inclusion proof latency (ms, goal < 1)", inclusion * 1e3, "ms", "log2(n) node hashes",
         floor * 1e3, "ms", inclusion / floor);
    line("consistency proof latency (ms, goal < 1)", consistency * 1e3, "ms", "log2(n) node hashes",
         floor * 1e3, "ms", consistency / floor);

    int queries = 200;
    start = Clock::now();
    size_t found = 0;
    for (int i = 0; i < queries; ++i) {
      LogQuery query;
      query.commit = commit_id(random() % size);
      found += log.query(query).size();
    }
    double by_commit = seconds_since(start) / queries;
    start = Clock::now();
    for (int i = 0; i < queries; ++i) {
      LogQuery query;
      int64_t from = kStart + static_cast<int64_t>(random() % size) * 30;
      query.since = from;
      query.until = from + 86400 * 30;  // a month
      query.limit = 100;
      found += log.query(query).size();
    }
    double by_time = seconds_since(start) / queries;
    start = Clock::now();
    for (int i = 0; i < queries; ++i) log.entry(random() % size);
    double by_seq = seconds_since(start) / queries;
    line("query by commit (ms, goal < 20)", by_commit * 1e3, "ms", "one row by primary key",
         by_seq * 1e3, "ms", by_commit / by_seq);
    line("query by time range, 100 rows (ms, goal < 20)", by_time * 1e3, "ms",
         "one row by primary key", by_seq * 1e3, "ms", by_time / by_seq);
    std::printf("(%zu rows found)\n", found);
  }
  return 0;
}
