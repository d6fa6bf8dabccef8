// Two witnesses (C2SP tlog-witness over real HTTP on 127.0.0.1) against a log an attacker can
// write but holds no key of: rollback, truncation, split view, fork, re-key, an offline witness
// and a witness key the verifier does not trust.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>

#include "attest/checkpoint.hpp"
#include "attest/cosignature.hpp"
#include "attest/log_store.hpp"
#include "attest/merkle.hpp"
#include "attest/witness.hpp"
#include "gate/cli/witness_command.hpp"
#include "gate/types/errors.hpp"
#include "tests/attest/fixtures.hpp"
#include "tests/support/support.hpp"

namespace gate::attest {
namespace {

using gate::test::run;
using gate::test::run_gate;
using gate::test::RunResult;

constexpr const char* kOrigin = "audit.example.com/acme/app";

struct RunningWitness {
  RunningWitness(const std::string& name, const PublicKey& log_pub, const std::string& state)
      : key(PrivateKey::generate(KeyType::ed25519)),
        witness(name, key, {{kOrigin, log_pub}}, state),
        server(witness) {
    port = server.start("127.0.0.1", 0);
    url = "http://127.0.0.1:" + std::to_string(port);
  }
  PrivateKey key;
  Witness witness;
  cli::WitnessServer server;
  int port = 0;
  std::string url;
};

class WitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_key_files(signer, dir / "keys/signer");
    test::write_key_files(log_key, dir / "keys/log");
    LogStore log = LogStore::open(path, true, Durability::normal);
    log.init({kOrigin, false}, log_key);
    test::append_decisions(log, signer, log_key, 0, 10);
    for (int i = 0; i < 2; ++i) {
      std::string name = "witness.example.com/w" + std::to_string(i + 1);
      witnesses.push_back(std::make_unique<RunningWitness>(
          name, log_key.public_key(), (dir / ("w" + std::to_string(i) + ".db")).string()));
      test::write_key_files(witnesses.back()->key, dir / ("keys/w" + std::to_string(i)));
    }
  }

  std::string witness_flag(int i) {
    return witnesses[static_cast<size_t>(i)]->url + "=" +
           (dir / ("keys/w" + std::to_string(i) + ".pub")).string();
  }
  std::string label(int i) {
    return witnesses[static_cast<size_t>(i)]->url + " (key " +
           witnesses[static_cast<size_t>(i)]->key.public_key().key_id().substr(0, 16) + ")";
  }

  RunResult verify(const std::string& log_path, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"log",       "verify",        "--log",     log_path,
                                     "--trust",   pub("signer"),   "--log-pub", pub("log"),
                                     "--witness", witness_flag(0), "--witness", witness_flag(1)};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_gate(args);
  }
  RunResult verify(std::vector<std::string> extra = {}) { return verify(path, std::move(extra)); }

  void append(uint64_t first, uint64_t count, const std::string& log_path = "") {
    LogStore log = LogStore::open(log_path.empty() ? path : log_path, false, Durability::normal);
    test::append_decisions(log, signer, log_key, first, count);
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

  // A copy of the file as it is now (what an attacker restores later).
  std::string snapshot_copy(const std::string& name) {
    std::string copy = (dir / name).string();
    RunResult result = run({"sqlite3", path, ".backup " + copy});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return copy;
  }

  std::string pub(const std::string& name) { return (dir / "keys" / (name + ".pub")).string(); }

  gate::test::TempDir dir;
  std::string path = (dir / "audit.db").string();
  PrivateKey signer = PrivateKey::generate(KeyType::ed25519);
  PrivateKey log_key = PrivateKey::generate(KeyType::ed25519);
  std::vector<std::unique_ptr<RunningWitness>> witnesses;
};

TEST_F(WitnessTest, BothWitnessesCosignAndFollowTheLogAsItGrows) {
  RunResult first = verify();
  EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_EQ(first.out.rfind("log OK: 10 entries, root ", 0), 0u) << first.out;
  EXPECT_NE(first.out.find(", cosigned by 2 witnesses\n"), std::string::npos) << first.out;
  append(10, 5);
  RunResult grown = verify();  // each witness now needs a consistency proof from 10 to 15
  EXPECT_EQ(grown.exit_code, 0) << grown.out << grown.err;
  EXPECT_EQ(grown.out.rfind("log OK: 15 entries, root ", 0), 0u) << grown.out;
}

TEST_F(WitnessTest, RollbackToAnOlderCopyIsCaughtWithoutAnOldCheckpoint) {
  std::string old_copy = snapshot_copy("old.db");
  append(10, 3);
  ASSERT_EQ(verify().exit_code, 0);  // the witnesses saw size 13
  EXPECT_EQ(verify(old_copy, {}).out,
            "log BROKEN: witness " + label(0) +
                ": it cosigned size 13 of this log, which now has 10 entries: the log was "
                "truncated or rolled back\n");
}

TEST_F(WitnessTest, CleanTruncationIsCaught) {
  ASSERT_EQ(verify().exit_code, 0);
  sql("DELETE FROM entries WHERE seq >= 6; DELETE FROM entry_rules WHERE seq >= 6;"
      "DELETE FROM entry_rule_times WHERE seq >= 6;"
      "DELETE FROM nodes WHERE ((idx + 1) << level) > 6; DELETE FROM checkpoints WHERE size > 6;");
  RunResult result = verify();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "log BROKEN: witness " + label(0) +
                            ": it cosigned size 10 of this log, which now has 6 entries: the log "
                            "was truncated or rolled back\n");
}

TEST_F(WitnessTest, SplitViewOfTheSameSizeIsRefused) {
  // The log's operator (holding the log key) shows witness 1 one log and then another of the
  // same size: witness 1 refuses the second, so no reader accepts both.
  std::string other = (dir / "other.db").string();
  {
    LogStore log = LogStore::open(other, true, Durability::normal);
    log.init({kOrigin, false}, log_key);
    test::append_decisions(log, signer, log_key, 500, 10);
  }
  ASSERT_EQ(verify().exit_code, 0);
  RunResult result = verify(other, {});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "log BROKEN: witness " + label(0) +
                            ": it cosigned another root for size 10: a split view (two different "
                            "logs under one name)\n");
}

TEST_F(WitnessTest, ForkThatGrewIsRefused) {
  std::string fork = snapshot_copy("fork.db");
  append(10, 2);         // the real log grows to 12
  append(900, 4, fork);  // the fork grows to 14 from the same 10
  ASSERT_EQ(verify().exit_code, 0);
  RunResult result = verify(fork, {});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "log BROKEN: witness " + label(0) +
                            ": this log does not extend the checkpoint it cosigned (size 12): the "
                            "log was rewritten or forked\n");
}

TEST_F(WitnessTest, ReKeyedLogIsRefusedEvenWithoutAPinnedLogKey) {
  ASSERT_EQ(verify().exit_code, 0);
  std::string rekeyed = (dir / "rekeyed.db").string();
  PrivateKey attacker = PrivateKey::generate(KeyType::ed25519);
  {
    LogStore log = LogStore::open(rekeyed, true, Durability::normal);
    log.init({kOrigin, false}, attacker);
    test::append_decisions(log, signer, attacker, 0, 12);
  }
  RunResult result = run_gate({"log", "verify", "--log", rekeyed, "--trust", pub("signer"),
                               "--witness", witness_flag(0), "--witness", witness_flag(1)});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "log BROKEN: witness " + label(0) +
                            ": it refuses the checkpoint's signature: the log was re-keyed, or "
                            "the witness is not configured with this log's key\n");
}

TEST_F(WitnessTest, OfflineWitnessFailsClosed) {
  witnesses[1]->server.stop();
  RunResult result = verify();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out.rfind("log UNCONFIRMED: 1 of 2 witnesses cosigned the latest checkpoint, 2 "
                             "needed; witness " +
                                 label(1) + ": unreachable (",
                             0),
            0u)
      << result.out;
  EXPECT_NE(result.out.find("): the log cannot be confirmed, so verification fails closed\n"),
            std::string::npos)
      << result.out;
  RunResult one = verify(std::vector<std::string>{"--min-witnesses", "1"});
  EXPECT_EQ(one.exit_code, 0) << one.out;
  EXPECT_NE(one.out.find("cosigned by 1 witnesses"), std::string::npos) << one.out;
}

TEST_F(WitnessTest, WitnessKeyNotTrustedCountsForNothing) {
  PrivateKey stranger = PrivateKey::generate(KeyType::ed25519);
  test::write_key_files(stranger, dir / "keys/stranger");
  RunResult result =
      run_gate({"log", "verify", "--log", path, "--trust", pub("signer"), "--log-pub", pub("log"),
                "--witness", witnesses[0]->url + "=" + pub("stranger")});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out,
            "log UNCONFIRMED: 0 of 1 witnesses cosigned the latest checkpoint, 1 needed; witness " +
                witnesses[0]->url + " (key " + stranger.public_key().key_id().substr(0, 16) +
                "): answered, but no cosignature in its answer verifies under the trusted witness "
                "key (is it the key of this witness?)\n");
}

TEST_F(WitnessTest, BadWitnessFlagsAreInputErrors) {
  EXPECT_EQ(verify(std::vector<std::string>{"--min-witnesses", "3"}).exit_code, 2);
  RunResult bad = run_gate({"log", "verify", "--log", path, "--witness", "witness.pub"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("is not URL=PUBKEY"), std::string::npos) << bad.err;
}

// The witness itself, answer by answer (tlog-witness status codes).
class WitnessProtocol : public ::testing::Test {
 protected:
  std::string checkpoint(uint64_t size, const PrivateKey& key, uint64_t salt = 0) {
    merkle::MemoryTree tree;
    for (uint64_t i = 0; i < size; ++i) tree.append(merkle::leaf_hash(std::to_string(i + salt)));
    Checkpoint cp{kOrigin, size, tree.root(), {}};
    return sign_checkpoint(cp, key);
  }
  std::vector<Hash> proof(uint64_t old_size, uint64_t new_size) {
    merkle::MemoryTree tree;
    for (uint64_t i = 0; i < new_size; ++i) tree.append(merkle::leaf_hash(std::to_string(i)));
    return merkle::consistency_proof(tree.source(), old_size, new_size);
  }
  gate::test::TempDir dir;
  PrivateKey log_key = PrivateKey::generate(KeyType::ed25519);
  PrivateKey witness_key = PrivateKey::generate(KeyType::ed25519);
  Witness witness{"witness.example.com/w1",
                  witness_key,
                  {{kOrigin, log_key.public_key()}},
                  (dir / "state.db").string()};
};

TEST_F(WitnessProtocol, AnswersEachCaseWithItsStatus) {
  EXPECT_EQ(witness.add_checkpoint("nonsense", 1).status, 400);
  Checkpoint unknown{"other.example.com/log", 1, merkle::leaf_hash("0"), {}};
  EXPECT_EQ(
      witness.add_checkpoint(format_add_checkpoint(0, {}, sign_checkpoint(unknown, log_key)), 1)
          .status,
      404);
  EXPECT_EQ(witness
                .add_checkpoint(format_add_checkpoint(
                                    0, {}, checkpoint(5, PrivateKey::generate(KeyType::ed25519))),
                                1)
                .status,
            403);
  EXPECT_EQ(witness.add_checkpoint(format_add_checkpoint(6, {}, checkpoint(5, log_key)), 1).status,
            400);

  std::string five = checkpoint(5, log_key);
  WitnessReply first = witness.add_checkpoint(format_add_checkpoint(0, {}, five), 1700000000);
  ASSERT_EQ(first.status, 200) << first.body;
  SignedCheckpoint parsed = parse_checkpoint(five + first.body, "cosigned");
  EXPECT_EQ(cosigned_by(parsed, parsed.signatures, witness_key.public_key()),
            std::optional<uint64_t>(1700000000));

  WitnessReply stale =
      witness.add_checkpoint(format_add_checkpoint(0, {}, checkpoint(8, log_key)), 2);
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.content_type, "text/x.tlog.size");
  EXPECT_EQ(stale.body, "5\n");
  // Another root for size 5: a split view.
  EXPECT_EQ(
      witness.add_checkpoint(format_add_checkpoint(5, {}, checkpoint(5, log_key, 77)), 2).status,
      409);
  // A proof that does not lead from the cosigned root.
  EXPECT_EQ(
      witness.add_checkpoint(format_add_checkpoint(5, proof(5, 8), checkpoint(8, log_key, 77)), 2)
          .status,
      422);
  EXPECT_EQ(witness.add_checkpoint(format_add_checkpoint(5, proof(5, 8), checkpoint(8, log_key)), 3)
                .status,
            200);
  // Rolled back below what was cosigned.
  EXPECT_EQ(witness.add_checkpoint(format_add_checkpoint(5, {}, checkpoint(5, log_key)), 4).status,
            409);
}

TEST(Cosignature, KeyHashAndMessageFollowTheSpec) {
  PrivateKey key = PrivateKey::generate(KeyType::ed25519);
  std::string expected = std::string(
      as_bytes(sha256(std::string("w.example/1") + "\n\x04" + key.public_key().raw_ed25519()))
          .substr(0, 4));
  EXPECT_EQ(cosignature_key_hash("w.example/1", key.public_key()), expected);
  EXPECT_EQ(cosigned_message("o\n1\nAAAA\n", 1679315147),
            "cosignature/v1\ntime 1679315147\no\n1\nAAAA\n");
}

TEST(AddCheckpointRequest, HostileBodiesAreInputErrorsNamingTheLine) {
  for (std::string body : {std::string(""), std::string("old 1"), std::string("old 01\n\ncp"),
                           std::string("old 0\nAAAA\n\ncp"), std::string("new 1\n\ncp"),
                           std::string("old 1\nnot base64\n\ncp"), std::string("old 1\n\n"),
                           std::string("old -1\n\ncp"), std::string("old 1\n")}) {
    EXPECT_THROW(parse_add_checkpoint(body, "request"), gate::InputError) << body;
  }
  std::string many = "old 1\n";
  for (int i = 0; i < 64; ++i) many += base64_encode(std::string(32, 'x')) + "\n";
  try {
    parse_add_checkpoint(many + "\ncp", "request");
    ADD_FAILURE() << "64 proof lines accepted";
  } catch (const gate::InputError& e) {
    EXPECT_EQ(e.line(), 65u);
  }
}

}  // namespace
}  // namespace gate::attest
