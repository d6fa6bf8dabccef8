// `gate log serve --store postgresql://…` as a real process on a real throwaway cluster: parallel
// clients, a PostgreSQL restart under load, and the identity kept with each entry.
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "attest/log_store.hpp"
#include "attest/log_verify.hpp"
#include "attest/pg.hpp"
#include "attest/pg_log_backend.hpp"
#include "tests/service/pull_request_search.hpp"
#include "tests/service/service_fixture.hpp"
#include "tests/support/pg_cluster.hpp"

namespace gate::server::test {
namespace {

class PgServiceTest : public ServiceTest {
 protected:
  void SetUp() override {
    GATE_REQUIRE_POSTGRES();
    cluster_ = std::make_unique<gate::test::PgCluster>();
    attest::pg::Connection admin = attest::pg::Connection::open(cluster_->conninfo());
    admin.exec("CREATE ROLE gate_owner LOGIN; CREATE ROLE gate_service LOGIN");
    admin.exec("CREATE DATABASE gate OWNER gate_owner");
    attest::install_postgres_log(cluster_->url("gate_owner", "gate"), "gate_service");
    ServiceTest::SetUp();
  }
  std::string store() const override { return cluster_->url("gate_service", "gate"); }

  attest::LogVerifyResult verify() {
    attest::LogStore log = attest::LogStore::open(store(), false);
    attest::LogVerifyOptions options;
    options.trusted = {signer_.public_key()};
    options.log_key = log_key_.public_key();
    return attest::verify_log(log, options);
  }

  std::unique_ptr<gate::test::PgCluster> cluster_;
};

TEST_F(PgServiceTest, APullRequestFilterFindsItsDecisionsInPostgres) {
  start();
  auto http = client();
  expect_pull_request_search(http, signer_, now(), [&](const auto& repository, const auto& body) {
    auto res = post(http, body, token_for(repository));
    return res ? res->status : 0;
  });
  EXPECT_TRUE(verify().ok) << verify().problem;
}

TEST_F(PgServiceTest, SixteenClientsAppendToPostgresAndEveryAnswerIsProven) {
  start();
  constexpr int kClients = 16;
  constexpr int kEach = 8;
  std::mutex mutex;
  std::map<uint64_t, std::string> acknowledged;
  std::vector<std::thread> clients;
  std::string token = token_for("acme/app");
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
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
        expect_proven(answer, body);
        std::lock_guard lock(mutex);
        EXPECT_TRUE(acknowledged.emplace(answer["seq"], answer["leaf_hash"]).second);
      }
    });
  }
  for (auto& thread : clients) thread.join();
  ASSERT_EQ(acknowledged.size(), size_t{kClients * kEach});
  EXPECT_EQ(acknowledged.rbegin()->first, uint64_t{kClients * kEach - 1});
  auto result = verify();
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.entries, uint64_t{kClients * kEach});

  // The submitter is stored with every entry and answers queries.
  auto http = client();
  auto res = http.Get("/v1/entries?identity=acme/app&limit=1000");
  ASSERT_EQ(res->status, 200) << res->body;
  auto entries = nlohmann::json::parse(res->body)["entries"];
  ASSERT_EQ(entries.size(), size_t{kClients * kEach});
  for (const auto& entry : entries) {
    ASSERT_TRUE(entry["identity"].is_object()) << entry.dump();
    EXPECT_EQ(entry["identity"]["repository"], "acme/app");
    EXPECT_EQ(entry["identity"]["kind"], "oidc");
  }
}

TEST_F(PgServiceTest, APostgresRestartUnderLoadKeepsEveryAcknowledgedEntry) {
  start();
  std::mutex mutex;
  std::map<uint64_t, std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> next{0};
  std::atomic<int> refused{0};
  std::string token = token_for("acme/app");
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      auto http = client();
      // Bounded: at most 3,000 attempts in all.
      while (!stop && next < 3000) {
        std::string body = envelope("acme/app", next++);
        auto res = post(http, body, token);
        if (!res) continue;
        if (res->status != 201) {
          // Only the store may fail here, and then nothing was acknowledged.
          EXPECT_EQ(res->status, 500) << res->body;
          ++refused;
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          continue;
        }
        auto answer = nlohmann::json::parse(res->body);
        std::lock_guard lock(mutex);
        acknowledged[answer["seq"]] = answer["leaf_hash"];
      }
    });
  }
  auto count = [&] {
    std::lock_guard lock(mutex);
    return acknowledged.size();
  };
  for (int i = 0; i < 400 && count() < 30; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  cluster_->stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  cluster_->start();
  size_t before = count();
  for (int i = 0; i < 600 && count() < before + 30; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  stop = true;
  for (auto& thread : clients) thread.join();

  EXPECT_GT(refused.load(), 0) << "no append failed: the restart did not happen under load";
  EXPECT_GE(count(), before + 30) << "the service did not recover after PostgreSQL came back";
  attest::LogStore log = attest::LogStore::open(store(), false);
  for (const auto& [seq, leaf] : acknowledged) {
    auto stored = log.leaf_hash(seq);
    ASSERT_TRUE(stored.has_value()) << "acknowledged entry " << seq << " is missing";
    EXPECT_EQ(attest::to_hex(*stored), leaf);
    EXPECT_TRUE(log.identity(seq).has_value()) << "entry " << seq << " has no submitter";
  }
  auto result = verify();
  EXPECT_TRUE(result.ok) << result.problem;
}

}  // namespace
}  // namespace gate::server::test
