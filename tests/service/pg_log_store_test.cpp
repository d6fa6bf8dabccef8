// The audit log on a real throwaway PostgreSQL cluster through the same LogStore as SQLite: the
// same roots, checkpoints, queries and verification; writers that never fork or skip; a restart
// of the server that loses no acknowledged entry; and `gate log import` from a SQLite file.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "attest/log_store.hpp"
#include "attest/log_verify.hpp"
#include "attest/merkle.hpp"
#include "attest/pg.hpp"
#include "attest/pg_log_backend.hpp"
#include "gate/types/errors.hpp"
#include "tests/attest/fixtures.hpp"
#include "tests/support/pg_cluster.hpp"
#include "tests/support/support.hpp"

namespace gate::attest {
namespace {

using gate::attest::test::append_decisions;
using gate::attest::test::commit_id;
using gate::attest::test::Decision;
using gate::attest::test::make_envelope;
using gate::attest::test::write_key_files;

class PgLogStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GATE_REQUIRE_POSTGRES();
    cluster_ = std::make_unique<gate::test::PgCluster>();
    pg::Connection admin = pg::Connection::open(cluster_->conninfo());
    admin.exec("CREATE ROLE gate_owner LOGIN; CREATE ROLE gate_service LOGIN");
    admin.exec("CREATE DATABASE gate OWNER gate_owner");
    install_postgres_log(owner_url(), "gate_service");
  }

  std::string owner_url() const { return cluster_->url("gate_owner", "gate"); }
  std::string service_url() const { return cluster_->url("gate_service", "gate"); }
  LogStore service_store() { return LogStore::open(service_url(), false); }

  LogVerifyResult verify(LogStore& log) {
    LogVerifyOptions options;
    options.trusted = {signer.public_key()};
    options.log_key = log_key.public_key();
    return verify_log(log, options);
  }

  gate::test::TempDir dir;
  PrivateKey signer = PrivateKey::generate(KeyType::ecdsa_p256);
  PrivateKey log_key = PrivateKey::generate(KeyType::ed25519);
  std::unique_ptr<gate::test::PgCluster> cluster_;
};

std::vector<uint64_t> sequences(const std::vector<LogEntry>& entries) {
  std::vector<uint64_t> out;
  for (const auto& entry : entries) out.push_back(entry.seq);
  return out;
}

TEST_F(PgLogStoreTest, SameAppendsGiveTheSqliteLogsRootsCheckpointsAndQueryAnswers) {
  LogStore pg = service_store();
  LogStore lite = LogStore::open((dir / "audit.db").string(), true, Durability::normal);
  EXPECT_EQ(pg.engine(), "postgresql");
  LogIdentity identity{"gate.test/audit", false};
  pg.init(identity, log_key);
  lite.init(identity, log_key);
  // The same envelope bytes to both (ECDSA signatures differ per signing).
  std::vector<std::string> batch;
  for (uint64_t i = 0; i < 37; ++i) {
    Decision decision;
    decision.head = commit_id(i);
    decision.time += static_cast<int64_t>(i) * 3600;
    decision.verdict = i % 3 == 0 ? "fail" : "pass";
    if (i % 3 == 0) decision.failed_rule = "no-secrets";
    decision.actor = i % 2 ? "bob" : "alice";
    if (i % 5 != 4) decision.change_id = std::to_string(i / 5);  // a push every fifth
    std::string envelope = make_envelope(signer, decision);
    if (i < 21) {
      pg.append(envelope, log_key);
      lite.append(envelope, log_key);
    } else {
      batch.push_back(envelope);
    }
  }
  EXPECT_EQ(pg.append_batch(batch, log_key), 21u);
  EXPECT_EQ(lite.append_batch(batch, log_key), 21u);

  ASSERT_EQ(pg.size(), 37u);
  for (uint64_t size = 1; size <= 37; ++size) ASSERT_EQ(pg.root(size), lite.root(size)) << size;
  EXPECT_EQ(pg.checkpoint_sizes(), lite.checkpoint_sizes());
  // Ed25519 is deterministic: the same log signs the same notes.
  EXPECT_EQ(pg.latest_checkpoint(), lite.latest_checkpoint());
  EXPECT_EQ(pg.inclusion_proof(5, 37), lite.inclusion_proof(5, 37));
  EXPECT_EQ(pg.consistency_proof(9, 37), lite.consistency_proof(9, 37));
  EXPECT_EQ(pg.entry(30)->envelope, lite.entry(30)->envelope);

  std::vector<LogQuery> queries(11);
  queries[0].verdict = "fail";
  queries[1].rule = "no-secrets";
  queries[2].commit = commit_id(7).substr(0, 6);
  queries[2].until = 1772359200 + 40 * 3600;
  queries[3].actor = "bob";
  queries[3].limit = 4;
  queries[4].since = 1772359200 + 5 * 3600;
  queries[4].until = 1772359200 + 9 * 3600;
  queries[5].after = std::make_pair(int64_t{1772359200 + 3 * 3600}, uint64_t{3});
  queries[5].limit = 5;
  queries[6].change = "3";
  queries[7].change = "6";  // entries 30 to 33, appended in one batch
  queries[7].verdict = "fail";
  queries[8].change = "2";
  queries[8].rule = "no-secrets";
  queries[8].after = std::make_pair(int64_t{1772359200 + 10 * 3600}, uint64_t{10});
  queries[9].rule = "no-secrets";
  queries[9].verdict = "fail";
  queries[9].limit = 3;
  queries[10].rule = "no-secrets";
  queries[10].actor = "bob";
  for (size_t i = 0; i < queries.size(); ++i) {
    auto expected = sequences(lite.query(queries[i]));
    EXPECT_FALSE(expected.empty()) << "query " << i;
    EXPECT_EQ(sequences(pg.query(queries[i])), expected) << "query " << i;
  }
  LogVerifyResult result = verify(pg);
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.entries, 37u);
}

// A log installed before the search indexes: the service refuses it until its owner installs
// again, which adds the indexes and their rows for the entries already there.
TEST_F(PgLogStoreTest, ALogInstalledBeforeTheSearchIndexesAnswersOnceInstalledAgain) {
  {
    LogStore pg = service_store();
    for (uint64_t i = 0; i < 6; ++i) {
      Decision decision;
      decision.head = commit_id(i);
      decision.time += static_cast<int64_t>(i) * 3600;
      decision.change_id = i < 4 ? "12" : "";
      if (i % 2) decision.failed_rule = "no-secrets";
      pg.append(make_envelope(signer, decision), log_key);
    }
  }
  pg::Connection owner = pg::Connection::open(cluster_->conninfo("gate_owner", "gate"));
  owner.exec("DROP TABLE entry_changes; DROP TABLE entry_rule_times; DROP INDEX entries_verdict");
  try {
    service_store();
    ADD_FAILURE() << "a log without the search indexes opened";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("predate the search indexes"), std::string::npos)
        << e.what();
  }
  install_postgres_log(owner_url(), "gate_service");
  LogStore pg = service_store();
  LogQuery change;
  change.change = "12";
  EXPECT_EQ(sequences(pg.query(change)), (std::vector<uint64_t>{0, 1, 2, 3}));
  change.rule = "no-secrets";
  EXPECT_EQ(sequences(pg.query(change)), (std::vector<uint64_t>{1, 3}));
  LogQuery rule;
  rule.rule = "no-secrets";
  EXPECT_EQ(sequences(pg.query(rule)), (std::vector<uint64_t>{1, 3, 5}));
  LogVerifyResult result = verify(pg);
  EXPECT_TRUE(result.ok) << result.problem;
}

// Proofs read their subtrees in one batch: every proof of every size must still be the one a
// node-by-node reading gives, and a missing subtree must be named, not read as zeros.
TEST_F(PgLogStoreTest, BatchedSubtreeReadsGiveEveryProofAndNameAMissingSubtree) {
  LogStore pg = service_store();
  append_decisions(pg, signer, log_key, 0, 23);
  merkle::SubtreeSource one_by_one = pg.subtree_source();
  for (uint64_t size = 1; size <= 23; ++size) {
    ASSERT_EQ(pg.root(size), merkle::root(one_by_one, size)) << size;
    for (uint64_t index = 0; index < size; ++index) {
      ASSERT_EQ(pg.inclusion_proof(index, size), merkle::inclusion_proof(one_by_one, index, size))
          << index << " of " << size;
    }
    for (uint64_t old_size = 1; old_size <= size; ++old_size) {
      ASSERT_EQ(pg.consistency_proof(old_size, size),
                merkle::consistency_proof(one_by_one, old_size, size))
          << old_size << " to " << size;
    }
  }
  // In the order asked, a missing one as nullopt.
  auto found = pg.backend().nodes({{2, 3}, {0, 22}, {9, 0}, {0, 0}});
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0], pg.backend().node(2, 3));
  EXPECT_EQ(found[1], pg.leaf_hash(22));
  EXPECT_FALSE(found[2].has_value());
  EXPECT_EQ(found[3], pg.leaf_hash(0));

  // Only the owner can take a row out, and only by switching the append-only trigger off.
  pg::Connection owner = pg::Connection::open(cluster_->conninfo("gate_owner", "gate"));
  owner.exec(
      "ALTER TABLE nodes DISABLE TRIGGER nodes_no_change; DELETE FROM nodes WHERE level = 2 AND "
      "idx = 1; ALTER TABLE nodes ENABLE TRIGGER nodes_no_change");
  try {
    pg.inclusion_proof(0, 16);
    FAIL() << "a proof over a missing subtree was answered";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("subtree hash (2, 1) is missing"), std::string::npos)
        << e.what();
  }
}

TEST_F(PgLogStoreTest, ADecisionSignedWithTheLogKeyIsRefusedAndLeavesNoRowOrNumber) {
  LogStore pg = service_store();
  pg.init({"gate.test/audit", false}, log_key);
  append_decisions(pg, signer, log_key, 0, 2);
  Decision decision;
  decision.head = commit_id(99);
  EXPECT_THROW(pg.append(make_envelope(log_key, decision), log_key), InputError);
  // The refused append gave its number back: the next one takes 2.
  EXPECT_EQ(pg.append(make_envelope(signer, decision), log_key), 2u);
  EXPECT_TRUE(verify(pg).ok);
}

TEST_F(PgLogStoreTest, SixteenWritersOnOneDatabaseNeitherForkNorSkip) {
  {
    LogStore first = service_store();
    first.init({"gate.test/audit", false}, log_key);
  }
  constexpr int kWriters = 16;
  constexpr int kEach = 12;
  std::mutex mutex;
  std::set<uint64_t> acknowledged;
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      try {
        LogStore log = service_store();
        for (int i = 0; i < kEach; ++i) {
          Decision decision;
          decision.head = commit_id(static_cast<uint64_t>(w * 1000 + i));
          uint64_t seq = log.append(make_envelope(signer, decision), log_key);
          std::lock_guard lock(mutex);
          acknowledged.insert(seq);
        }
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_EQ(acknowledged.size(), size_t{kWriters * kEach});
  EXPECT_EQ(*acknowledged.rbegin(), uint64_t{kWriters * kEach - 1});
  LogStore log = service_store();
  EXPECT_EQ(log.checkpoint_sizes().size(), size_t{kWriters * kEach});
  LogVerifyResult result = verify(log);
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.entries, uint64_t{kWriters * kEach});
}

TEST_F(PgLogStoreTest, ARestartOfPostgresDuringAppendsLosesNoAcknowledgedEntry) {
  {
    LogStore first = service_store();
    first.init({"gate.test/audit", false}, log_key);
  }
  std::mutex mutex;
  std::vector<std::pair<uint64_t, std::string>> acknowledged;  // (seq, head)
  std::atomic<bool> stop{false};
  std::atomic<int> refused{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      std::optional<LogStore> log;
      for (uint64_t i = 0; !stop && i < 400; ++i) {
        Decision decision;
        decision.head = commit_id(static_cast<uint64_t>(w) * 100000 + i);
        try {
          if (!log) log.emplace(service_store());
          uint64_t seq = log->append(make_envelope(signer, decision), log_key);
          std::lock_guard lock(mutex);
          acknowledged.emplace_back(seq, decision.head);
        } catch (const InputError&) {
          // The server is down: this append is not acknowledged; try again shortly.
          ++refused;
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      }
    });
  }
  auto count = [&] {
    std::lock_guard lock(mutex);
    return acknowledged.size();
  };
  for (int i = 0; i < 200 && count() < 40; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  cluster_->stop();
  cluster_->start();
  size_t before = count();
  for (int i = 0; i < 400 && count() < before + 40; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  stop = true;
  for (auto& writer : writers) writer.join();

  EXPECT_GT(refused.load(), 0) << "the restart refused no append: it did not happen mid-load";
  EXPECT_GE(count(), before + 40) << "appends did not resume after the restart";
  LogStore log = service_store();
  for (const auto& [seq, head] : acknowledged) {
    auto entry = log.entry(seq);
    ASSERT_TRUE(entry) << "acknowledged entry " << seq << " is missing";
    EXPECT_EQ(entry->head, head);
  }
  LogVerifyResult result = verify(log);
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.entries, log.size());
}

TEST_F(PgLogStoreTest, ImportFromSqliteReproducesEveryCheckpointAndResumes) {
  std::string file = (dir / "audit.db").string();
  write_key_files(log_key, dir / "log");
  write_key_files(signer, dir / "signer");
  {
    LogStore lite = LogStore::open(file, true, Durability::normal);
    lite.init({"gate.test/audit", false}, log_key);
    append_decisions(lite, signer, log_key, 0, 30);
  }
  // The service role imports: it only inserts.
  auto imported = gate::test::run_gate({"log", "import", "--from", file, "--to", service_url(),
                                        "--log-key", (dir / "log.key").string(), "--batch", "7"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("imported 30 entries"), std::string::npos) << imported.out;
  EXPECT_NE(imported.out.find("30 checkpoints of the source reproduced byte for byte"),
            std::string::npos)
      << imported.out;
  auto verified = gate::test::run_gate({"log", "verify", "--log", service_url(), "--trust",
                                        (dir / "signer.pub").string(), "--log-pub",
                                        (dir / "log.pub").string()});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;

  {
    LogStore lite = LogStore::open(file, false, Durability::normal);
    append_decisions(lite, signer, log_key, 30, 5);
  }
  auto resumed = gate::test::run_gate({"log", "import", "--from", file, "--to", service_url(),
                                       "--log-key", (dir / "log.key").string()});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("imported 5 entries"), std::string::npos) << resumed.out;
  EXPECT_NE(resumed.out.find("(30 were there already)"), std::string::npos) << resumed.out;
  LogStore pg = service_store();
  EXPECT_EQ(pg.size(), 35u);
  EXPECT_EQ(pg.latest_checkpoint(), LogStore::open(file, false).latest_checkpoint());
}

TEST_F(PgLogStoreTest, ImportIntoAnotherLogIsRefusedWithExitTwoAndWritesNothing) {
  std::string file = (dir / "audit.db").string();
  write_key_files(log_key, dir / "log");
  PrivateKey other_key = PrivateKey::generate(KeyType::ed25519);
  write_key_files(other_key, dir / "other");
  {
    LogStore lite = LogStore::open(file, true, Durability::normal);
    lite.init({"gate.test/audit", false}, log_key);
    append_decisions(lite, signer, log_key, 0, 4);
    LogStore pg = service_store();
    pg.init({"gate.test/another", false}, log_key);
    append_decisions(pg, signer, log_key, 0, 1);
  }
  auto wrong_key = gate::test::run_gate({"log", "import", "--from", file, "--to", service_url(),
                                         "--log-key", (dir / "other.key").string()});
  EXPECT_EQ(wrong_key.exit_code, 2);
  EXPECT_NE(wrong_key.err.find("is not the key of this log"), std::string::npos) << wrong_key.err;
  auto other_origin = gate::test::run_gate({"log", "import", "--from", file, "--to", service_url(),
                                            "--log-key", (dir / "log.key").string()});
  EXPECT_EQ(other_origin.exit_code, 2);
  EXPECT_NE(other_origin.err.find("the target's origin is 'gate.test/another'"), std::string::npos)
      << other_origin.err;
  EXPECT_EQ(service_store().size(), 1u);
}

TEST_F(PgLogStoreTest, ADatabaseWithoutTheLogsTablesIsExitTwoNamingTheInstallCommand) {
  pg::Connection admin = pg::Connection::open(cluster_->conninfo());
  admin.exec("CREATE DATABASE empty OWNER gate_owner");
  auto result =
      gate::test::run_gate({"log", "verify", "--log", cluster_->url("gate_owner", "empty")});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("holds no Gate audit log"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("--service-role"), std::string::npos) << result.err;
}

TEST_F(PgLogStoreTest, InitAsOwnerThenCheckAndQueryThroughTheServiceRole) {
  pg::Connection admin = pg::Connection::open(cluster_->conninfo());
  admin.exec("CREATE DATABASE fresh OWNER gate_owner");
  write_key_files(log_key, dir / "log");
  auto init = gate::test::run_gate({"log", "init", "--log", cluster_->url("gate_owner", "fresh"),
                                    "--service-role", "gate_service", "--origin", "gate.test/fresh",
                                    "--log-key", (dir / "log.key").string()});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  std::string url = cluster_->url("gate_service", "fresh");
  {
    LogStore pg = LogStore::open(url, false);
    EXPECT_EQ(pg.origin(), "gate.test/fresh");
    append_decisions(pg, signer, log_key, 0, 6);
  }
  auto query = gate::test::run_gate(
      {"log", "query", "--log", url, "--verdict", "fail", "--format", "jsonl"});
  ASSERT_EQ(query.exit_code, 0) << query.err;
  EXPECT_EQ(std::count(query.out.begin(), query.out.end(), '\n'), 2) << query.out;
  EXPECT_NE(query.out.find(commit_id(3)), std::string::npos) << query.out;
}

TEST_F(PgLogStoreTest, GateCheckLogsToPostgresAndGateVerifyFindsTheEntryThere) {
  gate::test::GitRepo repo;
  repo.write("src/app.py", "print('hello')\n");
  repo.commit("base");
  repo.branch("feature");
  repo.write("src/app.py", "print('hello, world')\n");
  std::string head = repo.commit("change");
  write_key_files(signer, dir / "signer");
  write_key_files(log_key, dir / "log");
  // A password in the URL (trust authentication ignores it) must never be printed.
  std::string url = "postgresql://gate_service:s3cret-pw@/gate?host=" +
                    service_url().substr(service_url().find("host=") + 5);
  auto check = gate::test::run_gate({"check", "--repo", repo.dir(), "--base", "main", "--sign-key",
                                     (dir / "signer.key").string(), "--log-key",
                                     (dir / "log.key").string(), "--log", url, "--format", "json"});
  ASSERT_EQ(check.exit_code, 0) << check.err;
  EXPECT_EQ((check.out + check.err).find("s3cret-pw"), std::string::npos) << check.out << check.err;
  EXPECT_NE(check.out.find("postgresql://gate_service:***@"), std::string::npos) << check.out;
  LogStore pg = service_store();
  ASSERT_EQ(pg.size(), 1u);
  EXPECT_EQ(pg.entry(0)->head, head);

  auto verified = gate::test::run_gate({"verify", "--repo", repo.dir(), "--commit", head, "--trust",
                                        (dir / "signer.pub").string(), "--log", url, "--log-pub",
                                        (dir / "log.pub").string()});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_NE(verified.out.find("postgresql://gate_service:***@"), std::string::npos) << verified.out;
  EXPECT_EQ((verified.out + verified.err).find("s3cret-pw"), std::string::npos);
}

TEST(PgUrl, PasswordsAreRedactedWhereverTheUrlCarriesThem) {
  EXPECT_TRUE(is_postgres_url("postgresql:///gate?host=/tmp"));
  EXPECT_TRUE(is_postgres_url("postgres://db/gate"));
  EXPECT_FALSE(is_postgres_url("audit.db"));
  EXPECT_FALSE(is_postgres_url("https://gate.example.com"));
  EXPECT_EQ(redacted_url("postgresql://gate:pw@db:5432/gate"),
            "postgresql://gate:***@db:5432/gate");
  EXPECT_EQ(redacted_url("postgres://gate:p%40ss@db/gate?sslmode=require"),
            "postgres://gate:***@db/gate?sslmode=require");
  EXPECT_EQ(redacted_url("postgresql:///gate?user=gate&password=pw&host=/tmp"),
            "postgresql:///gate?user=gate&password=***&host=/tmp");
  EXPECT_EQ(redacted_url("postgresql://gate@db/gate"), "postgresql://gate@db/gate");
}

}  // namespace
}  // namespace gate::attest
