// The audit log store: appends, stored subtree hashes, proofs, checkpoints, queries, and the
// append-only triggers.
#include <gtest/gtest.h>

#include "attest/checkpoint.hpp"
#include "attest/log_store.hpp"
#include "attest/log_verify.hpp"
#include "attest/merkle.hpp"
#include "attest/sqlite.hpp"
#include "attest/sqlite_log_backend.hpp"
#include "gate/types/errors.hpp"
#include "tests/attest/fixtures.hpp"
#include "tests/support/support.hpp"

namespace gate::attest {
namespace {

using gate::attest::test::append_decisions;
using gate::attest::test::commit_id;
using gate::attest::test::Decision;
using gate::attest::test::make_envelope;

class LogStoreTest : public ::testing::Test {
 protected:
  gate::test::TempDir dir;
  std::string path = (dir / "audit.db").string();
  PrivateKey signer = PrivateKey::generate(KeyType::ecdsa_p256);
  PrivateKey log_key = PrivateKey::generate(KeyType::ed25519);
};

std::vector<std::string> strings(const std::vector<Hash>& hashes) {
  std::vector<std::string> out;
  for (const auto& hash : hashes) out.emplace_back(as_bytes(hash));
  return out;
}

TEST_F(LogStoreTest, AppendsStoreLeavesSubtreesAndASignedCheckpointEach) {
  LogStore log = LogStore::open(path, true, Durability::normal);
  EXPECT_EQ(log.size(), 0u);
  EXPECT_EQ(log.latest_checkpoint(), std::nullopt);
  append_decisions(log, signer, log_key, 0, 21);
  EXPECT_EQ(log.size(), 21u);
  merkle::MemoryTree tree;
  log.for_each_entry(
      [&](const LogEntry& entry) { tree.append(merkle::leaf_hash(entry.envelope)); });
  EXPECT_EQ(log.root(21), tree.root());
  EXPECT_EQ(log.checkpoint_sizes().size(), 21u);
  for (uint64_t size = 1; size <= 21; ++size) {
    SignedCheckpoint checkpoint = parse_checkpoint(*log.checkpoint(size), "cp");
    EXPECT_EQ(checkpoint.checkpoint.root, tree.root(size));
    EXPECT_TRUE(checkpoint_signed_by(checkpoint, log_key.public_key()));
    EXPECT_EQ(checkpoint.checkpoint.origin, *log.origin());
    for (uint64_t index = 0; index < size; ++index) {
      EXPECT_EQ(merkle::verify_inclusion(index, size, as_bytes(*log.leaf_hash(index)),
                                         strings(log.inclusion_proof(index, size)),
                                         as_bytes(tree.root(size))),
                std::nullopt);
    }
    for (uint64_t old_size = 1; old_size <= size; ++old_size) {
      EXPECT_EQ(
          merkle::verify_consistency(old_size, size, strings(log.consistency_proof(old_size, size)),
                                     as_bytes(tree.root(old_size)), as_bytes(tree.root(size))),
          std::nullopt);
    }
  }
  LogVerifyOptions options;
  options.trusted = {signer.public_key()};
  options.log_key = log_key.public_key();
  LogVerifyResult result = verify_log(log, options);
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.entries, 21u);
}

TEST_F(LogStoreTest, BatchAppendEqualsSingleAppends) {
  std::vector<std::string> envelopes;
  for (int i = 0; i < 37; ++i) {
    Decision decision;
    decision.head = commit_id(i);
    envelopes.push_back(make_envelope(signer, decision));
  }
  LogStore batch = LogStore::open(path, true, Durability::normal);
  EXPECT_EQ(batch.append_batch(envelopes, log_key), 0u);
  LogStore single = LogStore::open((dir / "single.db").string(), true, Durability::normal);
  for (const auto& envelope : envelopes) single.append(envelope, log_key);
  EXPECT_EQ(batch.root(37), single.root(37));
  EXPECT_EQ(batch.checkpoint_sizes(), std::vector<uint64_t>{37});
  LogVerifyOptions options;
  options.trusted = {signer.public_key()};
  EXPECT_TRUE(verify_log(batch, options).ok);
}

TEST_F(LogStoreTest, WorkInTheAppendTransactionLandsWithTheEntryOrNeither) {
  LogStore log = LogStore::open(path, true, Durability::normal);
  sql::exec(sqlite_handle(log.backend()), "CREATE TABLE side(seq INTEGER PRIMARY KEY)");
  Decision decision;
  decision.head = commit_id(1);
  std::string envelope = make_envelope(signer, decision);
  auto insert_side = [&](uint64_t seq) {
    sql::Statement insert(sqlite_handle(log.backend()), "INSERT INTO side(seq) VALUES(?)");
    insert.bind(1, static_cast<int64_t>(seq)).run();
  };
  EXPECT_EQ(log.append(envelope, log_key, {}, insert_side), 0u);
  // A failing side insert (the same seq again) takes the second entry back with it.
  auto duplicate_side = [&](uint64_t) { insert_side(0); };
  EXPECT_THROW(log.append(envelope, log_key, {}, duplicate_side), InputError);
  EXPECT_EQ(log.size(), 1u);
  EXPECT_EQ(log.checkpoint_sizes(), std::vector<uint64_t>{1});
  sql::Statement count(sqlite_handle(log.backend()), "SELECT count(*) FROM side");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.integer(0), 1);
}

// Each batch starts from the right edge of the tree stored by the batches before it, at sizes
// with every mix of complete subtrees; the stored nodes must be those of the whole tree.
TEST_F(LogStoreTest, BatchesOnTopOfEachOtherStoreEverySubtreeOfTheWholeTree) {
  LogStore log = LogStore::open(path, true, Durability::normal);
  merkle::MemoryTree tree;
  uint64_t next = 0;
  for (uint64_t batch_size : {1, 2, 5, 3, 11, 1, 17, 24}) {
    std::vector<std::string> envelopes;
    for (uint64_t i = 0; i < batch_size; ++i, ++next) {
      Decision decision;
      decision.head = commit_id(next);
      envelopes.push_back(make_envelope(signer, decision));
      tree.append(merkle::leaf_hash(envelopes.back()));
    }
    EXPECT_EQ(log.append_batch(envelopes, log_key), next - batch_size);
    EXPECT_EQ(log.root(next), tree.root());
  }
  size_t inner_nodes = 0;
  log.for_each_node(false, [&](int level, uint64_t index, std::string_view hash) {
    ++inner_nodes;
    ASSERT_LT(level, tree.height());
    ASSERT_LT(index, tree.level(level).size());
    EXPECT_EQ(hash, as_bytes(tree.subtree(level, index))) << level << "," << index;
  });
  size_t expected_inner = 0;
  for (int level = 1; level < tree.height(); ++level) expected_inner += tree.level(level).size();
  EXPECT_EQ(inner_nodes, expected_inner);
  LogVerifyOptions options;
  options.trusted = {signer.public_key()};
  options.log_key = log_key.public_key();
  LogVerifyResult result = verify_log(log, options);
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.entries, 64u);
}

TEST_F(LogStoreTest, TriggersRefuseUpdateAndDelete) {
  LogStore log = LogStore::open(path, true, Durability::normal);
  append_decisions(log, signer, log_key, 0, 3);
  for (const char* sql :
       {"UPDATE entries SET verdict = 'pass' WHERE seq = 0", "DELETE FROM entries WHERE seq = 2",
        "DELETE FROM nodes", "UPDATE checkpoints SET note = ''", "DELETE FROM checkpoints",
        "UPDATE meta SET value = 'x'", "DELETE FROM entry_rules"}) {
    char* error = nullptr;
    EXPECT_NE(sqlite3_exec(sqlite_handle(log.backend()), sql, nullptr, nullptr, &error), SQLITE_OK)
        << sql;
    ASSERT_NE(error, nullptr);
    EXPECT_NE(std::string(error).find("append-only"), std::string::npos) << error;
    sqlite3_free(error);
  }
  EXPECT_EQ(log.size(), 3u);
}

TEST_F(LogStoreTest, AnotherLogKeyOrABadEnvelopeAppendsNothing) {
  LogStore log = LogStore::open(path, true, Durability::normal);
  append_decisions(log, signer, log_key, 0, 2);
  PrivateKey other = PrivateKey::generate(KeyType::ed25519);
  EXPECT_THROW(log.append(make_envelope(signer, {}), other), InputError);
  EXPECT_THROW(log.append("{not json", log_key), InputError);
  EXPECT_THROW(log.append(make_envelope(signer, {}), PrivateKey::generate(KeyType::ecdsa_p256)),
               InputError);
  EXPECT_EQ(log.size(), 2u);
  EXPECT_EQ(log.checkpoint_sizes().size(), 2u);
}

TEST_F(LogStoreTest, NotALogIsAnInputError) {
  gate::test::write_file(dir / "junk.db", "this is not a database, just text of some length....");
  EXPECT_THROW(LogStore::open((dir / "junk.db").string(), false), InputError);
  EXPECT_THROW(LogStore::open((dir / "missing.db").string(), false), InputError);
}

TEST_F(LogStoreTest, PagesAfterATimeAndSequenceCursorRepeatAndSkipNothing) {
  LogStore log = LogStore::open(path, true, Durability::normal);
  // Ten decisions in one second, then three an hour apart: a cursor on time alone would repeat
  // or lose entries of the crowded second.
  for (int i = 0; i < 13; ++i) {
    Decision decision;
    decision.head = commit_id(i);
    decision.time += i < 10 ? 0 : (i - 9) * 3600;
    log.append(make_envelope(signer, decision), log_key);
  }
  std::vector<uint64_t> seen;
  LogQuery query;
  query.limit = 4;
  for (int page = 0; page < 10; ++page) {
    std::vector<LogEntry> found = log.query(query);
    for (const auto& entry : found) seen.push_back(entry.seq);
    if (found.size() < query.limit) break;
    query.after = std::make_pair(found.back().time, found.back().seq);
  }
  std::vector<uint64_t> all(13);
  for (uint64_t i = 0; i < 13; ++i) all[i] = i;
  EXPECT_EQ(seen, all);
}

TEST_F(LogStoreTest, QueriesAnswerByCommitVerdictRuleActorAndTime) {
  LogStore log = LogStore::open(path, true, Durability::normal);
  append_decisions(log, signer, log_key, 0, 12);
  LogQuery by_commit;
  by_commit.commit = commit_id(5);
  auto found = log.query(by_commit);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].seq, 5u);
  by_commit.commit = commit_id(5).substr(0, 8);
  EXPECT_EQ(log.query(by_commit).size(), 1u);

  LogQuery failed;
  failed.verdict = "fail";
  EXPECT_EQ(log.query(failed).size(), 4u);  // 0, 3, 6, 9
  LogQuery by_rule;
  by_rule.rule = "no-secrets";
  auto with_rule = log.query(by_rule);
  ASSERT_EQ(with_rule.size(), 4u);
  EXPECT_EQ(with_rule[1].seq, 3u);
  EXPECT_EQ(with_rule[1].failed_rules, std::vector<std::string>{"no-secrets"});

  LogQuery by_actor;
  by_actor.actor = "bob";
  by_actor.verdict = "pass";
  EXPECT_EQ(log.query(by_actor).size(), 4u);  // 1, 5, 7, 11

  LogQuery range;
  range.since = Decision{}.time + 2 * 3600;
  range.until = Decision{}.time + 4 * 3600;
  auto in_range = log.query(range);
  ASSERT_EQ(in_range.size(), 3u);
  EXPECT_EQ(in_range.front().seq, 2u);
  range.limit = 2;
  EXPECT_EQ(log.query(range).size(), 2u);
  LogQuery repo;
  repo.repository = "acme/other";
  EXPECT_TRUE(log.query(repo).empty());
}

// Twelve decisions in two repositories; pull request "7" exists in both, "8" only in acme/app.
void append_pull_requests(LogStore& log, const PrivateKey& signer, const PrivateKey& log_key) {
  for (int i = 0; i < 12; ++i) {
    Decision decision;
    decision.head = commit_id(i);
    decision.time += i * 60;
    decision.repository = i % 2 ? "acme/lib" : "acme/app";
    decision.change_id = i < 8 ? "7" : (i % 2 ? "" : "8");
    decision.verdict = i % 3 == 0 ? "fail" : "pass";
    if (i % 3 == 0) decision.failed_rule = "no-secrets";
    log.append(make_envelope(signer, decision), log_key);
  }
}

std::vector<uint64_t> sequences(const std::vector<LogEntry>& entries) {
  std::vector<uint64_t> out;
  for (const auto& entry : entries) out.push_back(entry.seq);
  return out;
}

TEST_F(LogStoreTest, QueriesAnswerByPullRequestAloneAndWithTheOtherFilters) {
  LogStore log = LogStore::open(path, true, Durability::normal);
  append_pull_requests(log, signer, log_key);
  LogQuery change;
  change.change = "7";
  EXPECT_EQ(sequences(log.query(change)), (std::vector<uint64_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  change.repository = "acme/lib";
  EXPECT_EQ(sequences(log.query(change)), (std::vector<uint64_t>{1, 3, 5, 7}));
  change.verdict = "fail";
  EXPECT_EQ(sequences(log.query(change)), (std::vector<uint64_t>{3}));
  change = {};
  change.change = "8";
  EXPECT_EQ(sequences(log.query(change)), (std::vector<uint64_t>{8, 10}));
  change.rule = "no-secrets";
  EXPECT_EQ(sequences(log.query(change)), (std::vector<uint64_t>{}));
  change.change = "7";
  EXPECT_EQ(sequences(log.query(change)), (std::vector<uint64_t>{0, 3, 6}));
  change.rule.reset();
  change.limit = 3;
  change.after = std::make_pair(log.entry(2)->time, uint64_t{2});
  EXPECT_EQ(sequences(log.query(change)), (std::vector<uint64_t>{3, 4, 5}));
  EXPECT_EQ(log.entry(9)->change_id, "");
  EXPECT_EQ(log.entry(10)->change_id, "8");

  // A failed rule drives alone, with a verdict, and behind a repository.
  LogQuery rule;
  rule.rule = "no-secrets";
  EXPECT_EQ(sequences(log.query(rule)), (std::vector<uint64_t>{0, 3, 6, 9}));
  rule.verdict = "pass";
  EXPECT_TRUE(log.query(rule).empty());
  rule.verdict.reset();
  rule.repository = "acme/lib";
  EXPECT_EQ(sequences(log.query(rule)), (std::vector<uint64_t>{3, 9}));
  rule.repository.reset();
  rule.since = log.entry(4)->time;
  rule.limit = 1;
  EXPECT_EQ(sequences(log.query(rule)), (std::vector<uint64_t>{6}));
}

TEST_F(LogStoreTest, ALogWrittenBeforeTheSearchIndexesGetsThemOnOpenAndAnswers) {
  {
    LogStore log = LogStore::open(path, true, Durability::normal);
    append_pull_requests(log, signer, log_key);
    // Back to the tables and indexes Gate wrote before the search indexes.
    sqlite3* db = sqlite_handle(log.backend());
    for (const char* sql :
         {"DROP TABLE entry_changes", "DROP TABLE entry_rule_times",
          "DROP INDEX entries_search_time", "DROP INDEX entries_search_repository",
          "DROP INDEX entries_search_actor", "DROP INDEX entries_search_verdict",
          "CREATE INDEX entries_time ON entries(time)",
          "CREATE INDEX entries_repository ON entries(repository, time)",
          "CREATE INDEX entries_actor ON entries(actor, time)",
          "CREATE INDEX entries_verdict ON entries(verdict, time)", "DROP TRIGGER meta_no_DELETE",
          "DELETE FROM meta WHERE key = 'search_index'"}) {
      ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sql;
    }
  }
  LogStore log = LogStore::open(path, false);
  LogQuery change;
  change.change = "7";
  change.repository = "acme/lib";
  EXPECT_EQ(sequences(log.query(change)), (std::vector<uint64_t>{1, 3, 5, 7}));
  LogQuery rule;
  rule.rule = "no-secrets";
  EXPECT_EQ(sequences(log.query(rule)), (std::vector<uint64_t>{0, 3, 6, 9}));
  LogQuery repository;
  repository.repository = "acme/app";
  repository.verdict = "fail";
  EXPECT_EQ(sequences(log.query(repository)), (std::vector<uint64_t>{0, 6}));
  // Entries appended after the upgrade land in the new indexes too, and the log verifies.
  Decision later;
  later.head = commit_id(12);
  later.time += 3600;
  later.change_id = "7";
  later.repository = "acme/lib";
  log.append(make_envelope(signer, later), log_key);
  EXPECT_EQ(sequences(log.query(change)), (std::vector<uint64_t>{1, 3, 5, 7, 12}));
  LogVerifyOptions options;
  options.trusted = {signer.public_key()};
  LogVerifyResult verified = verify_log(log, options);
  EXPECT_TRUE(verified.ok) << verified.problem;
  // A second open finds the rows there and adds none.
  LogStore again = LogStore::open(path, false);
  EXPECT_EQ(sequences(again.query(change)), (std::vector<uint64_t>{1, 3, 5, 7, 12}));
}

}  // namespace
}  // namespace gate::attest
