// Tampering with a log file behind Gate's back (the sqlite3 CLI, triggers dropped): each attack
// is detected by `gate log verify`, which names the first broken entry.
#include <gtest/gtest.h>

#include <filesystem>

#include "attest/checkpoint.hpp"
#include "attest/log_store.hpp"
#include "tests/attest/fixtures.hpp"
#include "tests/support/support.hpp"

namespace gate::attest {
namespace {

using gate::test::run;
using gate::test::run_gate;
using gate::test::RunResult;

class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_key_files(signer, dir / "keys/signer");
    test::write_key_files(log_key, dir / "keys/log");
    LogStore log = LogStore::open(path, true, Durability::normal);
    test::append_decisions(log, signer, log_key, 0, 10);
  }

  // Runs SQL with the sqlite3 CLI after dropping the append-only triggers, as an attacker with
  // write access to the file could.
  void tamper(const std::string& sql) {
    std::string script;
    for (const char* table : {"meta", "entries", "entry_rules", "nodes", "checkpoints"}) {
      for (const char* action : {"UPDATE", "DELETE"}) {
        script += std::string("DROP TRIGGER ") + table + "_no_" + action + ";\n";
      }
    }
    RunResult result = run({"sqlite3", path}, {}, {}, script + sql + "\n");
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }

  RunResult verify(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"log",     "--log",       path,        "verify",
                                     "--trust", pub("signer"), "--log-pub", pub("log")};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_gate(args);
  }

  std::string pub(const std::string& name) { return (dir / "keys" / (name + ".pub")).string(); }

  gate::test::TempDir dir;
  std::string path = (dir / "audit.db").string();
  PrivateKey signer = PrivateKey::generate(KeyType::ed25519);
  PrivateKey log_key = PrivateKey::generate(KeyType::ed25519);
};

TEST_F(TamperTest, IntactLogVerifies) {
  RunResult result = verify();
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("log OK: 10 entries"), std::string::npos) << result.out;
}

TEST_F(TamperTest, EnvelopeEditedInPlace) {
  tamper(
      "UPDATE entries SET envelope = CAST(replace(CAST(envelope AS TEXT), 'eyJf', 'eyJF') AS BLOB) "
      "WHERE seq = 4;");
  RunResult result = verify();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("log BROKEN at entry 4: envelope bytes do not match"),
            std::string::npos)
      << result.out;
}

TEST_F(TamperTest, EnvelopeEditedWithItsHashesRecomputed) {
  // The attacker also rewrites the stored leaf: only the signed checkpoints reveal it.
  tamper(
      "UPDATE entries SET envelope = (SELECT envelope FROM entries WHERE seq = 7) WHERE seq = 4;"
      "UPDATE nodes SET hash = (SELECT hash FROM nodes WHERE level = 0 AND idx = 7) "
      "WHERE level = 0 AND idx = 4;"
      "UPDATE entries SET head = (SELECT head FROM entries WHERE seq = 7), "
      "time = (SELECT time FROM entries WHERE seq = 7), "
      "actor = (SELECT actor FROM entries WHERE seq = 7) WHERE seq = 4;");
  RunResult result = verify();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("log BROKEN at entry 4: stored subtree hash"), std::string::npos)
      << result.out;
}

TEST_F(TamperTest, RowDeleted) {
  tamper("DELETE FROM entries WHERE seq = 3;");
  RunResult result = verify();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("log BROKEN at entry 3: entry is missing"), std::string::npos)
      << result.out;
}

TEST_F(TamperTest, TwoRowsSwapped) {
  tamper(
      "UPDATE entries SET seq = -1 WHERE seq = 2; UPDATE entries SET seq = 2 WHERE seq = 6;"
      "UPDATE entries SET seq = 6 WHERE seq = -1;");
  RunResult result = verify();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("log BROKEN at entry 2:"), std::string::npos) << result.out;
}

TEST_F(TamperTest, TailTruncated) {
  tamper("DELETE FROM entries WHERE seq >= 8;");
  RunResult result = verify();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("log BROKEN at entry 8:"), std::string::npos) << result.out;
}

TEST_F(TamperTest, TruncatedAndReappendedIsAForkAgainstAnOldCheckpoint) {
  // The auditor kept the checkpoint of size 10 elsewhere.
  RunResult checkpoint = run_gate({"log", "--log", path, "checkpoint"});
  ASSERT_EQ(checkpoint.exit_code, 0) << checkpoint.err;
  gate::test::write_file(dir / "kept.checkpoint", checkpoint.out);
  // Rebuild: truncate to 6 entries, then append other decisions with the real keys.
  tamper(
      "DELETE FROM entries WHERE seq >= 6; DELETE FROM entry_rules WHERE seq >= 6;"
      "DELETE FROM nodes WHERE ((idx + 1) << level) > 6; DELETE FROM checkpoints WHERE size > 6;");
  {
    LogStore log = LogStore::open(path, false, Durability::normal);
    test::append_decisions(log, signer, log_key, 100, 5);
  }
  // Internally consistent again...
  EXPECT_EQ(verify().exit_code, 0);
  // ...but it does not extend what the auditor kept.
  RunResult result = verify({"--checkpoint", (dir / "kept.checkpoint").string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("log BROKEN at entry 9: the log does not extend"), std::string::npos)
      << result.out;
}

TEST_F(TamperTest, CheckpointResignedWithAnotherKey) {
  PrivateKey other = PrivateKey::generate(KeyType::ed25519);
  LogStore log = LogStore::open(path, false);
  std::string forged = *log.latest_checkpoint();
  // Re-sign the same text with another key.
  auto parsed = parse_checkpoint(forged, "cp");
  std::string note = sign_checkpoint(parsed.checkpoint, other);
  std::string escaped;
  for (char c : note) escaped += c == '\'' ? std::string("''") : std::string(1, c);
  tamper("UPDATE checkpoints SET note = '" + escaped + "' WHERE size = 10;");
  RunResult result = verify();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("log BROKEN at entry 9: the latest checkpoint (size 10) is not signed"),
            std::string::npos)
      << result.out;
}

TEST_F(TamperTest, EntrySignedByAnUntrustedKey) {
  {
    LogStore log = LogStore::open(path, false, Durability::normal);
    log.append(test::make_envelope(PrivateKey::generate(KeyType::ed25519), {}), log_key);
  }
  RunResult result = verify();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("log BROKEN at entry 10: envelope signed by an untrusted key"),
            std::string::npos)
      << result.out;
}

TEST_F(TamperTest, IndexColumnRewrittenToMisleadQueries) {
  tamper("UPDATE entries SET verdict = 'pass' WHERE seq = 3;");
  RunResult result = verify();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("log BROKEN at entry 3: indexed column 'verdict'"), std::string::npos)
      << result.out;
}

}  // namespace
}  // namespace gate::attest
