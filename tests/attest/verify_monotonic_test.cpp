// `gate verify` is log-backed and monotonic: the last decision for a commit in a verified log
// counts, and nothing an attacker without keys can edit, delete or roll back turns a denied
// commit into a verified one.
#include <gtest/gtest.h>

#include <memory>

#include "attest/dsse.hpp"
#include "attest/log_store.hpp"
#include "attest/logged_note.hpp"
#include "attest/witness.hpp"
#include "gate/cli/witness_command.hpp"
#include "tests/attest/fixtures.hpp"
#include "tests/support/support.hpp"

namespace gate::attest {
namespace {

using gate::test::run;
using gate::test::run_gate;
using gate::test::RunResult;

constexpr const char* kOrigin = "audit.example.com/acme/app";

class MonotonicVerify : public ::testing::Test {
 protected:
  void SetUp() override {
    repo.write("a.txt", "a\n");
    head = repo.commit("first");
    test::write_key_files(signer, dir / "keys/signer");
    test::write_key_files(log_key, dir / "keys/log");
    test::write_key_files(witness_key, dir / "keys/witness");
    LogStore log = LogStore::open(path, true, Durability::normal);
    log.init({kOrigin, false}, log_key);
    test::append_decisions(log, signer, log_key, 0, 3);  // other commits
  }

  // Appends a decision about `head`; returns the note `gate check` would write for it.
  std::string decide(const std::string& verdict) {
    LogStore log = LogStore::open(path, false, Durability::normal);
    test::Decision decision;
    decision.head = head;
    decision.verdict = verdict;
    if (verdict == "fail") decision.failed_rule = "no-secrets";
    std::string envelope = test::make_envelope(signer, decision);
    uint64_t seq = log.append(envelope, log_key);
    return make_logged_note(envelope, inclusion_in(log, seq, log.size()));
  }

  void note(const std::string& text) {
    run({"git", "-C", repo.dir(), "notes", "--ref=gate", "add", "-f", "-m", text, head});
  }

  void sql(const std::string& statements) {
    std::string script;
    for (const char* table :
         {"entries", "entry_rules", "entry_rule_times", "nodes", "checkpoints"}) {
      for (const char* action : {"UPDATE", "DELETE"}) {
        script += std::string("DROP TRIGGER ") + table + "_no_" + action + ";\n";
      }
    }
    RunResult result = run({"sqlite3", path}, {}, {}, script + statements + "\n");
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }

  void start_witness() {
    witness =
        std::make_unique<Witness>("witness.example.com/w1", witness_key,
                                  std::map<std::string, PublicKey>{{kOrigin, log_key.public_key()}},
                                  (dir / "witness.db").string());
    server = std::make_unique<cli::WitnessServer>(*witness);
    int port = server->start("127.0.0.1", 0);
    witness_flag = "http://127.0.0.1:" + std::to_string(port) + "=" + pub("witness");
  }

  RunResult verify(std::vector<std::string> extra) {
    std::vector<std::string> args = {"verify", "--commit", "HEAD", "--trust", pub("signer")};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_gate(args, {}, repo.path());
  }
  RunResult verify_log(std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), {"--log", path, "--log-pub", pub("log")});
    return verify(extra);
  }

  std::string pub(const std::string& name) { return (dir / "keys" / (name + ".pub")).string(); }

  gate::test::GitRepo repo;
  gate::test::TempDir dir;
  std::string head;
  std::string path = (dir / "audit.db").string();
  PrivateKey signer = PrivateKey::generate(KeyType::ed25519);
  PrivateKey log_key = PrivateKey::generate(KeyType::ed25519);
  PrivateKey witness_key = PrivateKey::generate(KeyType::ed25519);
  std::unique_ptr<Witness> witness;
  std::unique_ptr<cli::WitnessServer> server;
  std::string witness_flag;
};

TEST_F(MonotonicVerify, TheLastDecisionInLogOrderCounts) {
  decide("pass");
  EXPECT_EQ(verify_log().exit_code, 0);
  decide("fail");
  RunResult denied = verify_log();
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_EQ(denied.out, "not verified: the gate's verdict was 'fail' (" + path +
                            " entry 4, the last of 2 for this commit)\n");
}

TEST_F(MonotonicVerify, EditsAndDeletionsWithoutAKeyCannotFlipADenial) {
  decide("pass");
  decide("fail");
  struct Attack {
    const char* name;
    const char* sql;
  };
  for (const Attack& attack : {
           Attack{"delete the later fail", "DELETE FROM entries WHERE seq = 4;"},
           Attack{"edit its head column", "UPDATE entries SET head = 'ffff' WHERE seq = 4;"},
           Attack{"edit its verdict column", "UPDATE entries SET verdict = 'pass' WHERE seq = 4;"},
           Attack{"move the old pass's time",
                  "UPDATE entries SET time = time + 999999 WHERE seq = 3;"},
           Attack{"truncate the fail cleanly",
                  "DELETE FROM entries WHERE seq = 4; DELETE FROM entry_rules WHERE seq = 4; "
                  "DELETE FROM entry_rule_times WHERE seq = 4; "
                  "DELETE FROM nodes WHERE ((idx + 1) << level) > 4; "
                  "DELETE FROM checkpoints WHERE size > 4;"},
       }) {
    std::string backup = (dir / "backup.db").string();
    ASSERT_EQ(run({"sqlite3", path, ".backup " + backup}).exit_code, 0);
    if (std::string(attack.name) == "truncate the fail cleanly") {
      // Caught only with an outside view: a witness that saw size 5.
      start_witness();
      ASSERT_EQ(verify_log({"--witness", witness_flag}).exit_code, 1);  // the fail itself
      sql(attack.sql);
      RunResult result = verify_log({"--witness", witness_flag});
      EXPECT_EQ(result.exit_code, 1) << attack.name << ": " << result.out;
      EXPECT_EQ(result.out.rfind("not verified: the audit log " + path + " is broken: witness ", 0),
                0u)
          << result.out;
    } else {
      sql(attack.sql);
      RunResult result = verify_log();
      EXPECT_EQ(result.exit_code, 1) << attack.name << ": " << result.out;
      EXPECT_EQ(result.out.rfind("not verified: the audit log " + path + " is broken: ", 0), 0u)
          << attack.name << ": " << result.out;
    }
    ASSERT_EQ(run({"sqlite3", path, ".restore " + backup}).exit_code, 0);
  }
}

TEST_F(MonotonicVerify, RollingTheFileBackIsCaughtByAWitness) {
  start_witness();
  decide("pass");
  std::string old_copy = (dir / "old.db").string();
  ASSERT_EQ(run({"sqlite3", path, ".backup " + old_copy}).exit_code, 0);
  decide("fail");
  ASSERT_EQ(verify_log({"--witness", witness_flag}).exit_code, 1);  // the witness saw size 5
  RunResult rolled =
      verify({"--log", old_copy, "--log-pub", pub("log"), "--witness", witness_flag});
  EXPECT_EQ(rolled.exit_code, 1);
  EXPECT_NE(rolled.out.find("is broken: witness "), std::string::npos) << rolled.out;
  EXPECT_NE(rolled.out.find("truncated or rolled back"), std::string::npos) << rolled.out;
}

TEST_F(MonotonicVerify, ALoggedNoteIsAcceptedOnlyWhenAtLeastAsNewAsTheVerifiers) {
  std::string pass_note = decide("pass");
  note(pass_note);
  RunResult alone = verify({"--log-pub", pub("log")});
  EXPECT_EQ(alone.exit_code, 0) << alone.out << alone.err;
  EXPECT_EQ(alone.out, "verified: commit " + head + " passed the gate, signed by key " +
                           signer.key_id() + " (refs/notes/gate, log entry 3)\n");
  // A later fail, then refs/notes/gate rolled back to the pass note.
  std::string fail_note = decide("fail");
  RunResult latest = run_gate({"log", "checkpoint", "--log", path});
  gate::test::write_file(dir / "latest.checkpoint", latest.out);
  note(fail_note);
  EXPECT_EQ(verify({"--log-pub", pub("log")}).exit_code, 1);
  note(pass_note);
  RunResult rolled =
      verify({"--log-pub", pub("log"), "--checkpoint", (dir / "latest.checkpoint").string()});
  EXPECT_EQ(rolled.exit_code, 1);
  EXPECT_EQ(rolled.out, "not verified: the note's checkpoint (size 4) is older than " +
                            (dir / "latest.checkpoint").string() +
                            " (size 5): a later decision may exist; verify with --log "
                            "(refs/notes/gate)\n");
  // A witness that saw the log at size 5 says the same without a checkpoint in hand.
  start_witness();
  ASSERT_EQ(verify_log({"--witness", witness_flag}).exit_code, 1);
  RunResult witnessed = verify({"--log-pub", pub("log"), "--witness", witness_flag});
  EXPECT_EQ(witnessed.exit_code, 1);
  EXPECT_NE(witnessed.out.find("truncated or rolled back"), std::string::npos) << witnessed.out;
  // A forged proof does not lead into the checkpoint.
  auto parsed = parse_logged_note(pass_note, "note");
  parsed.inclusion->index = 0;
  note(make_logged_note(parsed.envelope, *parsed.inclusion));
  RunResult forged = verify({"--log-pub", pub("log")});
  EXPECT_EQ(forged.exit_code, 1);
  EXPECT_NE(forged.out.find("inclusion proof does not verify"), std::string::npos) << forged.out;
}

TEST_F(MonotonicVerify, AnySubjectMayMatchButPredicateHeadMustEqualIt) {
  auto statement_with = [&](const std::vector<std::string>& subjects,
                            const std::string& pred_head) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& s : subjects)
      list.push_back({{"name", "git-commit"}, {"digest", {{"gitCommit", s}}}});
    nlohmann::json statement = {
        {"_type", kStatementType},
        {"subject", list},
        {"predicateType", kDecisionPredicateType},
        {"predicate",
         {{"head", pred_head}, {"verdict", "pass"}, {"time", "2026-03-01T10:00:00Z"}}}};
    return serialize_envelope(sign_envelope(kInTotoPayloadType, statement.dump(), signer));
  };
  std::string other(40, 'e');
  gate::test::write_file(dir / "second.json", statement_with({other, head}, head));
  RunResult second = verify({"--attestation", (dir / "second.json").string(), "--allow-unlogged"});
  EXPECT_EQ(second.exit_code, 0) << second.out;
  gate::test::write_file(dir / "mismatch.json", statement_with({head}, other));
  RunResult mismatch =
      verify({"--attestation", (dir / "mismatch.json").string(), "--allow-unlogged"});
  EXPECT_EQ(mismatch.exit_code, 1);
  EXPECT_EQ(mismatch.out, "not verified: predicate.head is '" + other + "', not the subject " +
                              head + " (" + (dir / "mismatch.json").string() + ")\n");
}

TEST_F(MonotonicVerify, UrlSafeBase64EnvelopeIsAccepted) {
  test::Decision decision;
  decision.head = head;
  auto json = nlohmann::json::parse(test::make_envelope(signer, decision));
  auto url_safe = [](std::string text) {
    for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!text.empty() && text.back() == '=') text.pop_back();
    return text;
  };
  json["payload"] = url_safe(json["payload"].get<std::string>());
  json["signatures"][0]["sig"] = url_safe(json["signatures"][0]["sig"].get<std::string>());
  gate::test::write_file(dir / "urlsafe.json", json.dump());
  RunResult result = verify({"--attestation", (dir / "urlsafe.json").string(), "--allow-unlogged"});
  EXPECT_EQ(result.exit_code, 0) << result.out;
}

}  // namespace
}  // namespace gate::attest
