// The PostgreSQL log schema on a real throwaway cluster: the service role cannot rewrite history
// and concurrent appenders get gapless, distinct sequence numbers.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "attest/pg.hpp"
#include "attest/pg_schema.hpp"
#include "tests/support/pg_cluster.hpp"

namespace gate::attest::pg {
namespace {

class PgSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GATE_REQUIRE_POSTGRES();
    cluster_ = std::make_unique<test::PgCluster>();
    Connection admin = Connection::open(cluster_->conninfo());
    admin.exec("CREATE ROLE gate_owner LOGIN; CREATE ROLE gate_service LOGIN");
    admin.exec("CREATE DATABASE gate OWNER gate_owner");
    Connection owner = Connection::open(cluster_->conninfo("gate_owner", "gate"));
    install_log_schema(owner, "gate_service");
  }

  Connection service() { return Connection::open(cluster_->conninfo("gate_service", "gate")); }
  Connection owner() { return Connection::open(cluster_->conninfo("gate_owner", "gate")); }

  // One append as the service does it: reserve, insert, commit.
  static uint64_t append(Connection& conn, const std::string& actor, bool commit = true) {
    Transaction transaction(conn);
    uint64_t seq = reserve_sequence(conn);
    conn.exec(
        "INSERT INTO entries(seq, time, repository, base, head, verdict, policy_sha256, actor, "
        "failed_rules, key_id, envelope) VALUES($1, 0, 'acme/app', 'b', 'h', 'pass', 'p', $2, '', "
        "'k', '\\x00')",
        {std::to_string(seq), actor});
    if (commit) transaction.commit();
    return seq;
  }

  static std::string refusal(Connection& conn, const std::string& sql) {
    try {
      conn.exec(sql);
    } catch (const Error& e) {
      return e.sqlstate();
    }
    return "done";
  }

  std::unique_ptr<test::PgCluster> cluster_;
};

TEST_F(PgSchemaTest, ServiceRoleMayInsertAndSelectButNotUpdateDeleteOrTruncate) {
  Connection conn = service();
  append(conn, "alice");
  EXPECT_EQ(conn.exec("SELECT count(*) FROM entries").integer(0, 0), 1);
  const std::pair<const char*, const char*> kTables[] = {{"entries", "verdict = 'fail'"},
                                                         {"nodes", "idx = 1"},
                                                         {"checkpoints", "note = ''"},
                                                         {"identities", "actor = ''"},
                                                         {"log_meta", "value = ''"}};
  for (const auto& [table, change] : kTables) {
    std::string name = table;
    EXPECT_EQ(refusal(conn, "UPDATE " + name + " SET " + change), "42501") << name;
    EXPECT_EQ(refusal(conn, "DELETE FROM " + name), "42501") << name;
    EXPECT_EQ(refusal(conn, "TRUNCATE " + name), "42501") << name;
  }
  // Nor may it move the sequence by hand or make objects of its own.
  EXPECT_EQ(refusal(conn, "UPDATE log_sequence SET next_seq = 0"), "42501");
  EXPECT_EQ(refusal(conn, "CREATE TABLE mine(x int)"), "42501");
  EXPECT_EQ(conn.exec("SELECT verdict FROM entries").text(0, 0), "pass");
}

TEST_F(PgSchemaTest, TriggersRefuseChangesEvenToTheOwner) {
  Connection conn = service();
  append(conn, "alice");
  Connection boss = owner();
  EXPECT_EQ(refusal(boss, "UPDATE entries SET verdict = 'fail'"), "GL001");
  EXPECT_EQ(refusal(boss, "DELETE FROM entries"), "GL001");
  EXPECT_EQ(refusal(boss, "TRUNCATE entries CASCADE"), "GL001");
  EXPECT_EQ(refusal(boss, "UPDATE log_sequence SET next_seq = 0"), "GL001");
  EXPECT_EQ(refusal(boss, "DELETE FROM log_sequence"), "GL001");
  EXPECT_EQ(boss.exec("SELECT count(*) FROM entries").integer(0, 0), 1);
}

TEST_F(PgSchemaTest, AnEntryMustTakeTheNumberItsTransactionReserved) {
  Connection conn = service();
  append(conn, "alice");
  // Skipping ahead (a gap) is refused by the trigger, reusing a number (a fork) by the key.
  EXPECT_EQ(refusal(conn,
                    "INSERT INTO entries VALUES(5, 0, 'r', 'b', 'h', 'pass', 'p', 'a', '', "
                    "'k', '\\x00')"),
            "GL002");
  EXPECT_EQ(refusal(conn,
                    "INSERT INTO entries VALUES(0, 0, 'r', 'b', 'h', 'pass', 'p', 'a', '', "
                    "'k', '\\x00')"),
            "23505");
}

TEST_F(PgSchemaTest, SixteenConnectionsAppendingGetGaplessDistinctSequenceNumbers) {
  constexpr int kWriters = 16;
  constexpr int kEach = 40;
  std::atomic<int> committed{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int writer = 0; writer < kWriters; ++writer) {
    writers.emplace_back([&, writer] {
      try {
        Connection conn = service();
        for (int i = 0; i < kEach; ++i) {
          // Every fifth append rolls back: its number must be handed to the next appender.
          bool commit = i % 5 != 4;
          append(conn, "writer-" + std::to_string(writer), commit);
          if (commit) ++committed;
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  }
  for (auto& thread : writers) thread.join();
  ASSERT_EQ(failures.load(), 0);
  Connection conn = service();
  Result stats = conn.exec("SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM entries");
  EXPECT_EQ(stats.integer(0, 0), committed.load());
  EXPECT_EQ(stats.integer(0, 1), committed.load());
  EXPECT_EQ(stats.integer(0, 2), 0);
  EXPECT_EQ(stats.integer(0, 3), committed.load() - 1);
  EXPECT_EQ(committed.load(), kWriters * kEach * 4 / 5);
}

TEST_F(PgSchemaTest, InstallingTwiceKeepsTheDataAndTheRules) {
  Connection conn = service();
  append(conn, "alice");
  Connection boss = owner();
  install_log_schema(boss, "gate_service");
  EXPECT_EQ(conn.exec("SELECT count(*) FROM entries").integer(0, 0), 1);
  EXPECT_EQ(append(conn, "bob"), 1u);
  EXPECT_THROW(install_log_schema(boss, "gate_service; DROP TABLE entries"), std::invalid_argument);
}

}  // namespace
}  // namespace gate::attest::pg
