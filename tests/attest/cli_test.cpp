// `gate keygen`, `gate verify` and `gate log ...` driven through the built binary.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "attest/checkpoint.hpp"
#include "attest/git_notes.hpp"
#include "attest/log_store.hpp"
#include "attest/merkle.hpp"
#include "gate/types/errors.hpp"
#include "tests/attest/fixtures.hpp"
#include "tests/support/support.hpp"

namespace gate::attest {
namespace {

using gate::test::run_gate;
using gate::test::RunResult;

std::vector<std::string> from_hex_list(const nlohmann::json& list) {
  std::vector<std::string> out;
  for (const auto& item : list) out.push_back(*from_hex(item.get<std::string>()));
  return out;
}

TEST(KeygenCommand, WritesPkcs8KeyWithMode0600AndSpkiPublicKey) {
  gate::test::TempDir dir;
  for (std::string type : {"ed25519", "ecdsa-p256"}) {
    std::string prefix = (dir / type).string();
    RunResult result = run_gate({"keygen", "--type", type, "--out", prefix});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    struct stat info {};
    ASSERT_EQ(stat((prefix + ".key").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    PrivateKey key = PrivateKey::from_file(prefix + ".key");
    PublicKey pub = PublicKey::from_file(prefix + ".pub");
    EXPECT_EQ(key.key_id(), pub.key_id());
    EXPECT_EQ(key.type(), type == "ed25519" ? KeyType::ed25519 : KeyType::ecdsa_p256);
    EXPECT_NE(result.out.find("key id: " + pub.key_id()), std::string::npos);
    EXPECT_EQ(result.out.find("PRIVATE KEY"), std::string::npos);
    // Never overwrites a key silently.
    RunResult again = run_gate({"keygen", "--type", type, "--out", prefix});
    EXPECT_EQ(again.exit_code, 2);
    EXPECT_EQ(PrivateKey::from_file(prefix + ".key").key_id(), key.key_id());
  }
  EXPECT_EQ(run_gate({"keygen", "--type", "rsa", "--out", (dir / "x").string()}).exit_code, 2);
}

class LogCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LogStore log = LogStore::open(path, true, Durability::normal);
    test::append_decisions(log, signer, log_key, 0, 13);
  }
  gate::test::TempDir dir;
  std::string path = (dir / "audit.db").string();
  PrivateKey signer = PrivateKey::generate(KeyType::ed25519);
  PrivateKey log_key = PrivateKey::generate(KeyType::ed25519);
};

TEST_F(LogCommandTest, ProofsAreAcceptedByAnRfc9162Verifier) {
  RunResult checkpoint = run_gate({"log", "--log", path, "checkpoint"});
  ASSERT_EQ(checkpoint.exit_code, 0) << checkpoint.err;
  SignedCheckpoint signed_checkpoint = parse_checkpoint(checkpoint.out, "stdout");
  EXPECT_EQ(signed_checkpoint.checkpoint.size, 13u);
  EXPECT_TRUE(checkpoint_signed_by(signed_checkpoint, log_key.public_key()));

  RunResult inclusion = run_gate({"log", "--log", path, "proof", "inclusion", "5"});
  ASSERT_EQ(inclusion.exit_code, 0) << inclusion.err;
  auto proof = nlohmann::json::parse(inclusion.out);
  EXPECT_EQ(proof["leaf_index"], 5);
  EXPECT_EQ(proof["tree_size"], 13);
  EXPECT_EQ(proof["root"], to_hex(signed_checkpoint.checkpoint.root));
  LogStore log = LogStore::open(path, false);
  EXPECT_EQ(proof["leaf_hash"], to_hex(merkle::leaf_hash(log.entry(5)->envelope)));
  EXPECT_EQ(merkle::verify_inclusion(5, 13, *from_hex(proof["leaf_hash"].get<std::string>()),
                                     from_hex_list(proof["proof"]),
                                     as_bytes(signed_checkpoint.checkpoint.root)),
            std::nullopt);

  RunResult consistency = run_gate({"log", "--log", path, "proof", "consistency", "6", "13"});
  ASSERT_EQ(consistency.exit_code, 0) << consistency.err;
  auto cproof = nlohmann::json::parse(consistency.out);
  EXPECT_EQ(cproof["old_root"], to_hex(parse_checkpoint(*log.checkpoint(6), "c").checkpoint.root));
  EXPECT_EQ(merkle::verify_consistency(6, 13, from_hex_list(cproof["proof"]),
                                       *from_hex(cproof["old_root"].get<std::string>()),
                                       as_bytes(signed_checkpoint.checkpoint.root)),
            std::nullopt);
  EXPECT_EQ(run_gate({"log", "--log", path, "proof", "inclusion", "13"}).exit_code, 2);
  EXPECT_EQ(run_gate({"log", "--log", path, "proof", "consistency", "9", "6"}).exit_code, 2);
}

TEST_F(LogCommandTest, ShowQueryAndExport) {
  RunResult show = run_gate({"log", "--log", path, "show", "3"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  auto entry = nlohmann::json::parse(show.out);
  EXPECT_EQ(entry["seq"], 3);
  EXPECT_EQ(entry["verdict"], "fail");
  EXPECT_EQ(entry["statement"]["predicate"]["head"], test::commit_id(3));
  EXPECT_EQ(run_gate({"log", "--log", path, "show", "99"}).exit_code, 2);

  RunResult json = run_gate({"log", "--log", path, "query", "--verdict", "fail", "--rule",
                             "no-secrets", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto rows = nlohmann::json::parse(json.out);
  ASSERT_EQ(rows.size(), 5u);  // 0, 3, 6, 9, 12
  EXPECT_EQ(rows[4]["seq"], 12);

  RunResult csv = run_gate({"log", "--log", path, "query", "--commit",
                            test::commit_id(7).substr(0, 10), "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0);
  EXPECT_EQ(csv.out.substr(0, 9), "seq,time,");
  EXPECT_NE(csv.out.find("\n7,2026-03-01T17:00:00Z,acme/app,"), std::string::npos) << csv.out;

  RunResult range = run_gate({"log", "--log", path, "query", "--since", "2026-03-01T12:00:00Z",
                              "--until", "2026-03-01T14:00:00Z", "--format", "jsonl"});
  ASSERT_EQ(range.exit_code, 0);
  EXPECT_EQ(std::count(range.out.begin(), range.out.end(), '\n'), 3);
  EXPECT_EQ(run_gate({"log", "--log", path, "query", "--since", "March"}).exit_code, 2);
  RunResult table = run_gate({"log", "--log", path, "query", "--actor", "bob", "--limit", "2"});
  EXPECT_EQ(std::count(table.out.begin(), table.out.end(), '\n'), 3);  // header + 2

  // These decisions name no pull request: --change filters them all out.
  RunResult change = run_gate({"log", "--log", path, "query", "--change", "1", "--format", "json"});
  ASSERT_EQ(change.exit_code, 0) << change.err;
  EXPECT_TRUE(nlohmann::json::parse(change.out).empty()) << change.out;

  RunResult exported = run_gate({"log", "--log", path, "export"});
  ASSERT_EQ(exported.exit_code, 0);
  std::istringstream lines(exported.out);
  std::string line;
  merkle::MemoryTree tree;
  while (std::getline(lines, line)) {
    auto item = nlohmann::json::parse(line);
    if (item.contains("checkpoint")) {
      EXPECT_EQ(parse_checkpoint(item["checkpoint"].get<std::string>(), "x").checkpoint.root,
                tree.root());
      continue;
    }
    Hash leaf = merkle::leaf_hash(item["envelope"].get<std::string>());
    EXPECT_EQ(item["leaf_hash"], to_hex(leaf));
    tree.append(leaf);
  }
  EXPECT_EQ(tree.size(), 13u);
}

TEST_F(LogCommandTest, LogFlagWorksBeforeAndAfterTheSubcommand) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"log", "--log", path, "verify"},
                                             {"log", "verify", "--log", path},
                                             {"log", "query", "--log", path, "--verdict", "fail"},
                                             {"log", "proof", "inclusion", "3", "--log", path},
                                             {"log", "show", "2", "--log", path},
                                             {"log", "checkpoint", "--log", path},
                                             {"log", "export", "--log", path}}) {
    RunResult result = run_gate(args);
    EXPECT_EQ(result.exit_code, 0) << args[1] << ": " << result.err;
    EXPECT_FALSE(result.out.empty()) << args[1];
  }
  EXPECT_EQ(run_gate({"log", "verify", "--log", path}).out,
            run_gate({"log", "--log", path, "verify"}).out);
}

TEST(LogInit, NamesTheLogAndKeepsTheLogKeyApartFromDecisionKeys) {
  gate::test::TempDir dir;
  PrivateKey log_key = PrivateKey::generate(KeyType::ed25519);
  test::write_key_files(log_key, dir / "log");
  std::string path = (dir / "audit.db").string();
  RunResult init = run_gate({"log", "init", "--log", path, "--origin", "audit.example.com/acme/app",
                             "--log-key", (dir / "log.key").string()});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_EQ(init.out, "audit log " + path + ": origin audit.example.com/acme/app, log key " +
                          log_key.key_id() + "\n");
  LogStore log = LogStore::open(path, false);
  EXPECT_EQ(log.origin(), std::optional<std::string>("audit.example.com/acme/app"));
  // A decision signed with the log key itself is refused, nothing is written.
  EXPECT_THROW(log.append(test::make_envelope(log_key, {}), log_key), gate::InputError);
  EXPECT_EQ(log.size(), 0u);
  log.append(test::make_envelope(PrivateKey::generate(KeyType::ed25519), {}), log_key);
  auto checkpoint = parse_checkpoint(*log.latest_checkpoint(), "cp");
  EXPECT_EQ(checkpoint.checkpoint.origin, "audit.example.com/acme/app");
  // Once only; and the origin must be a schema-less name.
  EXPECT_EQ(run_gate({"log", "init", "--log", path, "--origin", "x.example/y", "--log-key",
                      (dir / "log.key").string()})
                .exit_code,
            2);
  for (std::string origin : {"https://audit.example.com/app", "audit log", "a+b", ""}) {
    RunResult bad = run_gate({"log", "init", "--log", (dir / "bad.db").string(), "--origin", origin,
                              "--log-key", (dir / "log.key").string()});
    EXPECT_EQ(bad.exit_code, 2) << origin;
  }
  // Asked for explicitly, one key may do both.
  std::string shared = (dir / "shared.db").string();
  ASSERT_EQ(run_gate({"log", "init", "--log", shared, "--origin", "x.example/shared", "--log-key",
                      (dir / "log.key").string(), "--allow-shared-key"})
                .exit_code,
            0);
  LogStore shared_log = LogStore::open(shared, false);
  EXPECT_NO_THROW(shared_log.append(test::make_envelope(log_key, {}), log_key));
}

TEST_F(LogCommandTest, MissingLogIsExitTwo) {
  RunResult result = run_gate({"log", "--log", (dir / "nope.db").string(), "verify"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("nope.db"), std::string::npos);
}

class VerifyCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo.write("a.txt", "a\n");
    head = repo.commit("first");
    test::write_key_files(signer, dir / "signer");
  }
  void note(const std::string& envelope, const std::string& commit) {
    gate::test::run(
        {"git", "-C", repo.dir(), "notes", "--ref=gate", "add", "-f", "-m", envelope, commit});
  }
  RunResult verify(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"verify", "--commit", "HEAD", "--trust",
                                     (dir / "signer.pub").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_gate(args, {}, repo.path());
  }
  gate::test::GitRepo repo;
  gate::test::TempDir dir;
  std::string head;
  PrivateKey signer = PrivateKey::generate(KeyType::ecdsa_p256);
};

TEST_F(VerifyCommandTest, BareNoteIsAcceptedOnlyWhenAskedFor) {
  test::Decision decision;
  decision.head = head;
  note(test::make_envelope(signer, decision), head);
  RunResult refused = verify();
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(
      refused.out.rfind("not verified: the attestation carries no audit log inclusion proof", 0),
      0u)
      << refused.out;
  RunResult result = verify({"--allow-unlogged"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out, "verified: commit " + head + " passed the gate, signed by key " +
                            signer.key_id() + " (refs/notes/gate, unlogged)\n");
}

TEST_F(VerifyCommandTest, EachBrokenConditionIsExitOneWithTheReason) {
  test::Decision decision;
  decision.head = head;
  EXPECT_EQ(verify().exit_code, 1);  // no note at all

  decision.verdict = "fail";
  note(test::make_envelope(signer, decision), head);
  RunResult failed = verify({"--allow-unlogged"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_NE(failed.out.find("verdict was 'fail'"), std::string::npos) << failed.out;

  decision.verdict = "pass";
  note(test::make_envelope(PrivateKey::generate(KeyType::ed25519), decision), head);
  RunResult untrusted = verify({"--allow-unlogged"});
  EXPECT_EQ(untrusted.exit_code, 1);
  EXPECT_NE(untrusted.out.find("untrusted key"), std::string::npos) << untrusted.out;

  decision.head = std::string(40, 'f');  // an attestation of another commit, copied over
  note(test::make_envelope(signer, decision), head);
  RunResult other = verify({"--allow-unlogged"});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.out.find("is about commit ffff"), std::string::npos) << other.out;

  EXPECT_EQ(run_gate({"verify", "--commit", "nope", "--trust", (dir / "signer.pub").string()}, {},
                     repo.path())
                .exit_code,
            2);
}

TEST_F(VerifyCommandTest, LooksTheDecisionUpInTheLog) {
  std::string log_path = (dir / "audit.db").string();
  PrivateKey log_key = PrivateKey::generate(KeyType::ed25519);
  {
    LogStore log = LogStore::open(log_path, true, Durability::normal);
    test::Decision decision;
    decision.head = head;
    decision.verdict = "fail";
    log.append(test::make_envelope(signer, decision), log_key);
    decision.verdict = "pass";  // a later re-run passed: the latest decision counts
    log.append(test::make_envelope(signer, decision), log_key);
  }
  RunResult result = verify({"--log", log_path});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("entry 1, the last of 2 for this commit"), std::string::npos)
      << result.out;
}

}  // namespace
}  // namespace gate::attest
