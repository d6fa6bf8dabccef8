// Parallel clients and a killed service: nothing acknowledged is lost, nothing forks.
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "attest/log_store.hpp"
#include "attest/log_verify.hpp"
#include "tests/service/service_fixture.hpp"

namespace gate::server::test {
namespace {

attest::LogVerifyResult verify(const std::string& path, const attest::PrivateKey& signer,
                               const attest::PrivateKey& log_key) {
  attest::LogStore log = attest::LogStore::open(path, false);
  attest::LogVerifyOptions options;
  options.trusted = {signer.public_key()};
  options.log_key = log_key.public_key();
  return attest::verify_log(log, options);
}

TEST_F(ServiceTest, SixteenClientsAppendingInParallelLoseAndForkNothing) {
  start();
  constexpr int kClients = 16;
  constexpr int kEach = 20;
  std::mutex mutex;
  std::map<uint64_t, std::string> acknowledged;  // seq -> leaf hash
  std::vector<nlohmann::json> answers;
  std::vector<std::thread> clients;
  std::string token = token_for("acme/app");
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      // Debian's cpp-httplib listens with a backlog of 5: connect in a quick ramp, not one burst.
      std::this_thread::sleep_for(std::chrono::milliseconds(15 * c));
      auto http = client();
      for (int i = 0; i < kEach; ++i) {
        std::string body = envelope("acme/app", static_cast<uint64_t>(c * kEach + i));
        auto res = post(http, body, token);
        if (!res || res->status != 201) {
          ADD_FAILURE() << (res ? res->body : "no answer: " + httplib::to_string(res.error()));
          return;
        }
        auto answer = nlohmann::json::parse(res->body);
        std::lock_guard lock(mutex);
        EXPECT_TRUE(acknowledged.emplace(answer["seq"], answer["leaf_hash"]).second)
            << "sequence " << answer["seq"] << " given twice";
        answers.push_back(answer);
      }
    });
  }
  for (auto& thread : clients) thread.join();
  ASSERT_EQ(acknowledged.size(), size_t{kClients * kEach});
  EXPECT_EQ(acknowledged.begin()->first, 0u);
  EXPECT_EQ(acknowledged.rbegin()->first, uint64_t{kClients * kEach - 1});

  // Every checkpoint handed out is a prefix of the final tree (a split view would fail here).
  auto http = client();
  const uint64_t final_size = kClients * kEach;
  for (const auto& answer : answers) {
    uint64_t size = answer["tree_size"];
    auto res = http.Get("/v1/proof/consistency?old=" + std::to_string(size));
    ASSERT_EQ(res->status, 200);
    auto proof = nlohmann::json::parse(res->body);
    ASSERT_EQ(proof["new_size"], final_size);
    std::vector<std::string> hashes;
    for (const auto& hex : proof["proof"])
      hashes.push_back(*attest::from_hex(hex.get<std::string>()));
    EXPECT_FALSE(attest::merkle::verify_consistency(
        size, final_size, hashes, *attest::from_hex(answer["root"].get<std::string>()),
        *attest::from_hex(proof["new_root"].get<std::string>())))
        << "checkpoint of size " << size << " is not extended by the final tree";
  }
  auto result = verify(store(), signer_, log_key_);
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.entries, final_size);
}

TEST_F(ServiceTest, SigkillMidAppendKeepsEveryAcknowledgedEntry) {
  start();
  std::mutex mutex;
  std::map<uint64_t, std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> next{0};
  std::string token = token_for("acme/app");
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      auto http = client();
      // Bounded: at most 2,000 attempts in all, and the test kills the service long before.
      while (!stop && next < 2000) {
        std::string body = envelope("acme/app", next++);
        auto res = post(http, body, token);
        if (!res) return;  // the service is gone: this append was never acknowledged
        if (res->status != 201) continue;
        auto answer = nlohmann::json::parse(res->body);
        std::lock_guard lock(mutex);
        acknowledged[answer["seq"]] = answer["leaf_hash"];
      }
    });
  }
  for (int i = 0; i < 400; ++i) {
    {
      std::lock_guard lock(mutex);
      if (acknowledged.size() >= 40) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  service_->send(SIGKILL);
  stop = true;
  for (auto& thread : clients) thread.join();
  service_->wait(10);
  ASSERT_GE(acknowledged.size(), 40u);

  auto result = verify(store(), signer_, log_key_);
  EXPECT_TRUE(result.ok) << result.problem;
  attest::LogStore log = attest::LogStore::open(store(), false);
  EXPECT_GE(log.size(), acknowledged.size());
  for (const auto& [seq, leaf] : acknowledged) {
    auto stored = log.leaf_hash(seq);
    ASSERT_TRUE(stored.has_value()) << "acknowledged entry " << seq << " is missing";
    EXPECT_EQ(attest::to_hex(*stored), leaf);
  }
  // The service starts again on the same log and keeps appending.
  start();
  auto http = client();
  auto res = post(http, envelope("acme/app", 99999), token);
  ASSERT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(nlohmann::json::parse(res->body)["seq"], log.size() - 1);
}

}  // namespace
}  // namespace gate::server::test
