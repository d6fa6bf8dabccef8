// Tampering with a log file behind Gate's back (the sqlite3 CLI, triggers dropped), as an
// attacker with write access to the file but no key could: one row an attack, the flags the
// verifier passes, and the exact verdict `gate log verify` prints.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "attest/checkpoint.hpp"
#include "attest/log_store.hpp"
#include "tests/attest/fixtures.hpp"
#include "tests/support/support.hpp"

namespace gate::attest {
namespace {

using gate::test::run;
using gate::test::run_gate;
using gate::test::RunResult;

constexpr const char* kOrigin = "audit.example.com/acme/app";

class Tampered;

struct Attack {
  std::string name;
  std::function<void(Tampered&)> apply;
  std::vector<std::string> flags;  // beyond --trust signer --log-pub log
  int exit_code;
  std::string verdict;  // stdout; {log_key} and {untrusted} stand for key ids
};

class Tampered {
 public:
  Tampered() {
    test::write_key_files(signer, dir / "keys/signer");
    test::write_key_files(log_key, dir / "keys/log");
    LogStore log = LogStore::open(path, true, Durability::normal);
    log.init({kOrigin, false}, log_key);
    // Entries 0, 3, 6 and 9 failed rule no-secrets; the others passed.
    test::append_decisions(log, signer, log_key, 0, 10);
  }

  // SQL run with the sqlite3 CLI after dropping the append-only triggers.
  void sql(const std::string& statements) {
    std::string script;
    for (const char* table :
         {"meta", "entries", "entry_rules", "nodes", "checkpoints", "entry_rule_times"}) {
      for (const char* action : {"UPDATE", "DELETE"}) {
        script += std::string("DROP TRIGGER ") + table + "_no_" + action + ";\n";
      }
    }
    RunResult result = run({"sqlite3", path}, {}, {}, script + statements + "\n");
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }

  static std::string quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }

  std::string pub(const std::string& name) { return (dir / "keys" / (name + ".pub")).string(); }

  gate::test::TempDir dir;
  std::string path = (dir / "audit.db").string();
  PrivateKey signer = PrivateKey::generate(KeyType::ed25519);
  PrivateKey log_key = PrivateKey::generate(KeyType::ed25519);
  PrivateKey untrusted = PrivateKey::generate(KeyType::ed25519);
};

void resign_latest_checkpoint(Tampered& t) {
  std::string note;
  {
    LogStore log = LogStore::open(t.path, false);
    note = *log.latest_checkpoint();
  }
  auto parsed = parse_checkpoint(note, "cp");
  t.sql("UPDATE checkpoints SET note = " +
        Tampered::quoted(sign_checkpoint(parsed.checkpoint, t.untrusted)) + " WHERE size = 10;");
}

// A whole new file: the same decisions re-signed into a log of the attacker's own log key.
void replace_database(Tampered& t) {
  std::filesystem::remove(t.path);
  std::filesystem::remove(t.path + "-wal");
  std::filesystem::remove(t.path + "-shm");
  LogStore log = LogStore::open(t.path, true, Durability::normal);
  log.init({kOrigin, false}, t.untrusted);
  test::append_decisions(log, t.signer, t.untrusted, 0, 10);
}

const std::vector<Attack>& attacks() {
  static const std::vector<Attack> rows = {
      {"Intact", [](Tampered&) {}, {}, 0, ""},
      {"EnvelopeEdited",
       [](Tampered& t) {
         t.sql(
             "UPDATE entries SET envelope = CAST(replace(CAST(envelope AS TEXT), 'eyJf', "
             "'eyJF') AS BLOB) WHERE seq = 4;");
       },
       {},
       1,
       "log BROKEN at entry 4: envelope bytes do not match the stored leaf hash (edited)"},
      {"EnvelopeEditedWithItsLeafHash",
       [](Tampered& t) {
         t.sql(
             "UPDATE entries SET envelope = (SELECT envelope FROM entries WHERE seq = 7), "
             "head = (SELECT head FROM entries WHERE seq = 7), time = (SELECT time FROM "
             "entries WHERE seq = 7), actor = (SELECT actor FROM entries WHERE seq = 7) WHERE "
             "seq = 4; UPDATE nodes SET hash = (SELECT hash FROM nodes WHERE level = 0 AND idx "
             "= 7) WHERE level = 0 AND idx = 4;");
       },
       {},
       1,
       "log BROKEN at entry 4: stored subtree hash at level 1 does not match the entries"},
      {"TwoEntriesSwapped",
       [](Tampered& t) {
         t.sql(
             "UPDATE entries SET seq = -1 WHERE seq = 2; UPDATE entries SET seq = 2 WHERE seq "
             "= 6; UPDATE entries SET seq = 6 WHERE seq = -1;");
       },
       {},
       1,
       "log BROKEN at entry 2: envelope bytes do not match the stored leaf hash (edited)"},
      {"EntryDeleted",
       [](Tampered& t) { t.sql("DELETE FROM entries WHERE seq = 3;"); },
       {},
       1,
       "log BROKEN at entry 3: entry is missing (deleted)"},
      {"TailDeleted",
       [](Tampered& t) { t.sql("DELETE FROM entries WHERE seq >= 8;"); },
       {},
       1,
       "log BROKEN at entry 8: stored leaf hash beyond the entries (entries deleted)"},
      {"EntryReappendedAsACopy",
       [](Tampered& t) {
         t.sql(
             "UPDATE entries SET envelope = (SELECT envelope FROM entries WHERE seq = 1) WHERE "
             "seq = 9;");
       },
       {},
       1,
       "log BROKEN at entry 9: envelope bytes do not match the stored leaf hash (edited)"},
      {"VerdictColumnEdited",
       [](Tampered& t) { t.sql("UPDATE entries SET verdict = 'pass' WHERE seq = 3;"); },
       {},
       1,
       "log BROKEN at entry 3: indexed column 'verdict' does not match the signed statement"},
      {"HeadColumnEdited",
       [](Tampered& t) { t.sql("UPDATE entries SET head = 'ffff' WHERE seq = 5;"); },
       {},
       1,
       "log BROKEN at entry 5: indexed column 'head' does not match the signed statement"},
      {"TimeColumnEdited",
       [](Tampered& t) { t.sql("UPDATE entries SET time = time + 86400 WHERE seq = 2;"); },
       {},
       1,
       "log BROKEN at entry 2: indexed column 'time' does not match the signed statement"},
      {"KeyIdColumnEdited",
       [](Tampered& t) { t.sql("UPDATE entries SET key_id = 'someone-else' WHERE seq = 6;"); },
       {},
       1,
       "log BROKEN at entry 6: indexed column 'key_id' does not match the signed statement"},
      {"RuleIndexRowsDeleted",
       [](Tampered& t) { t.sql("DELETE FROM entry_rules WHERE seq = 3;"); },
       {},
       1,
       "log BROKEN at entry 3: the rule index (entry_rules) does not match the signed statement"},
      {"RuleIndexRowAdded",
       [](Tampered& t) { t.sql("INSERT INTO entry_rules(rule, seq) VALUES('made-up', 4);"); },
       {},
       1,
       "log BROKEN at entry 4: the rule index (entry_rules) does not match the signed statement"},
      {"RuleSearchIndexRowDeleted",
       [](Tampered& t) { t.sql("DELETE FROM entry_rule_times WHERE seq = 6;"); },
       {},
       1,
       "log BROKEN at entry 6: the rule search index (entry_rule_times) does not match the signed "
       "statement"},
      {"RuleSearchIndexRowFiledUnderAnotherTime",
       [](Tampered& t) { t.sql("UPDATE entry_rule_times SET time = time + 1 WHERE seq = 3;"); },
       {},
       1,
       "log BROKEN at entry 3: the rule search index (entry_rule_times) does not match the signed "
       "statement"},
      {"SubtreeHashEdited",
       [](Tampered& t) {
         t.sql("UPDATE nodes SET hash = zeroblob(32) WHERE level = 2 AND idx = 1;");
       },
       {},
       1,
       "log BROKEN at entry 4: stored subtree hash at level 2 does not match the entries"},
      {"OriginEdited",
       [](Tampered& t) {
         t.sql("UPDATE meta SET value = 'audit.example.com/other' WHERE key = 'origin';");
       },
       {},
       1,
       "log BROKEN at entry 0: stored checkpoint for size 1 names another log "
       "(audit.example.com/acme/app)"},
      {"CheckpointResignedWithAnotherKey",
       resign_latest_checkpoint,
       {},
       1,
       "log BROKEN at entry 9: the latest checkpoint (size 10) is not signed by the log key "
       "{log_key}"},
      {"DatabaseReplacedUnderAnotherLogKey",
       replace_database,
       {},
       1,
       "log BROKEN at entry 9: the latest checkpoint (size 10) is not signed by the log key "
       "{log_key}"},
      {"EntrySignedByAnUntrustedKey",
       [](Tampered& t) {
         LogStore log = LogStore::open(t.path, false, Durability::normal);
         log.append(test::make_envelope(t.untrusted, {}), t.log_key);
       },
       {},
       1,
       "log BROKEN at entry 10: envelope signed by an untrusted key (keyid {untrusted})"},
  };
  return rows;
}

class TamperSuite : public ::testing::TestWithParam<Attack> {};

std::string expand(std::string text, const Tampered& t) {
  for (auto [name, value] : {std::pair<std::string, std::string>{"{log_key}", t.log_key.key_id()},
                             {"{untrusted}", t.untrusted.key_id()}}) {
    for (size_t at; (at = text.find(name)) != std::string::npos;)
      text.replace(at, name.size(), value);
  }
  return text;
}

TEST_P(TamperSuite, VerifierGivesTheExactVerdict) {
  const Attack& attack = GetParam();
  Tampered t;
  attack.apply(t);
  std::vector<std::string> args = {"log",     "verify",        "--log",     t.path,
                                   "--trust", t.pub("signer"), "--log-pub", t.pub("log")};
  args.insert(args.end(), attack.flags.begin(), attack.flags.end());
  RunResult result = run_gate(args);
  EXPECT_EQ(result.exit_code, attack.exit_code) << result.out << result.err;
  if (attack.exit_code == 0) {
    EXPECT_EQ(result.out.rfind("log OK: 10 entries, root ", 0), 0u) << result.out;
  } else {
    EXPECT_EQ(result.out, expand(attack.verdict, t) + "\n");
  }
}

INSTANTIATE_TEST_SUITE_P(Attacks, TamperSuite, ::testing::ValuesIn(attacks()),
                         [](const auto& info) { return info.param.name; });

// What the file alone cannot show: a clean truncation (every size has its own signed
// checkpoint) verifies without an outside view. The witness tests show it caught with one.
TEST(TamperLimits, CleanTruncationNeedsAnOutsideView) {
  Tampered t;
  RunResult checkpoint = run_gate({"log", "checkpoint", "--log", t.path});
  ASSERT_EQ(checkpoint.exit_code, 0) << checkpoint.err;
  gate::test::write_file(t.dir / "kept.checkpoint", checkpoint.out);
  t.sql(
      "DELETE FROM entries WHERE seq >= 6; DELETE FROM entry_rules WHERE seq >= 6;"
      "DELETE FROM entry_rule_times WHERE seq >= 6;"
      "DELETE FROM nodes WHERE ((idx + 1) << level) > 6; DELETE FROM checkpoints WHERE size > 6;");
  std::vector<std::string> args = {"log",     "verify",        "--log",     t.path,
                                   "--trust", t.pub("signer"), "--log-pub", t.pub("log")};
  RunResult alone = run_gate(args);
  EXPECT_EQ(alone.exit_code, 0) << alone.out;
  args.insert(args.end(), {"--checkpoint", (t.dir / "kept.checkpoint").string()});
  RunResult kept = run_gate(args);
  EXPECT_EQ(kept.exit_code, 1);
  EXPECT_EQ(kept.out, "log BROKEN at entry 6: the log has 6 entries but " +
                          (t.dir / "kept.checkpoint").string() + " signed 10 (truncated)\n");
}

}  // namespace
}  // namespace gate::attest
