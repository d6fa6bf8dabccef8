// The signing stage of `gate check`, driven in process with a real repository, real keys and a
// real log: what it writes, and that bad keys stop it before anything is written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "attest/dsse.hpp"
#include "attest/git_notes.hpp"
#include "attest/log_store.hpp"
#include "attest/logged_note.hpp"
#include "attest/log_verify.hpp"
#include "attest/statement.hpp"
#include "gate/cli/check_attest.hpp"
#include "gate/engine/git.hpp"
#include "gate/types/errors.hpp"
#include "tests/attest/fixtures.hpp"
#include "tests/support/support.hpp"

namespace gate {
namespace {

using attest::KeyType;
using attest::PrivateKey;

class AttestStageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("GATE_SIGNING_KEY");
    unsetenv("GATE_LOG_KEY");
    unsetenv("GATE_LOG");
    repo.write("a.txt", "a\n");
    base = repo.commit("base");
    repo.write("b.txt", "b\n");
    head = repo.commit("head");
    attest::test::write_key_files(signer, dir / "signer");
    attest::test::write_key_files(log_key, dir / "log");
    report.tool_version = "0.1.0";
    report.base = base;
    report.head = head;
    report.verdict = Verdict::pass;
    report.context.repository = "acme/app";
    report.context.actor = "alice";
    report.policy.path = ".gate/policy.yaml";
    report.policy.sha256 = std::string(64, 'e');
    RuleOutcome rule;
    rule.id = "no-secrets";
    rule.type = "secrets";
    rule.status = RuleStatus::pass;
    report.rules.push_back(rule);
  }
  void TearDown() override { unsetenv("GATE_SIGNING_KEY"); }

  // Parses `args` as `gate check` options, then loads the keys.
  void load(AttestStage& stage, std::vector<std::string> args) {
    CLI::App app;
    stage.add_options(app);
    std::reverse(args.begin(), args.end());
    app.parse(args);
    stage.load_keys(repo.dir());
  }

  // sign, prepare, then both commit steps, as `gate check` runs them.
  AttestationRef record(AttestStage& stage, git_repository* handle, int64_t now) {
    signed_decision = stage.sign(report, now);
    if (!signed_decision) return {};
    stage.prepare(*signed_decision, handle);
    AttestationRef ref = stage.append_to_log();
    stage.publish();
    return ref;
  }

  std::optional<SignedDecision> signed_decision;

  std::string key(const std::string& name) { return (dir / (name + ".key")).string(); }

  gate::git::Library libgit2;
  gate::test::GitRepo repo;
  gate::test::TempDir dir;
  std::string base, head;
  PrivateKey signer = PrivateKey::generate(KeyType::ecdsa_p256);
  PrivateKey log_key = PrivateKey::generate(KeyType::ed25519);
  Decision report;
};

TEST_F(AttestStageTest, SignsWritesTheFileTheNoteAndTheLog) {
  AttestStage stage;
  std::string envelope_path = (dir / "out" / "decision.json").string();
  std::filesystem::create_directories(dir / "out");
  std::string log_path = (dir / "audit.db").string();
  load(stage, {"--sign-key", key("signer"), "--attestation", envelope_path, "--notes", "--log",
               log_path, "--log-key", key("log")});
  git::Repository handle = git::open_repository(repo.dir());
  AttestationRef ref = record(stage, handle.get(), 1772359200);

  std::string bytes = gate::test::read_file(envelope_path);
  EXPECT_EQ(ref.location, envelope_path);
  EXPECT_EQ(ref.sha256, attest::to_hex(attest::sha256(bytes)));
  attest::Envelope envelope = attest::parse_envelope(bytes, envelope_path);
  EXPECT_EQ(envelope.payload_type, "application/vnd.in-toto+json");
  EXPECT_TRUE(attest::verify_envelope(envelope, {signer.public_key()}).ok);
  auto statement = nlohmann::json::parse(envelope.payload);
  EXPECT_EQ(statement["_type"], "https://in-toto.io/Statement/v1");
  EXPECT_EQ(statement["subject"][0]["digest"]["gitCommit"], head);
  EXPECT_EQ(statement["predicateType"], attest::kDecisionPredicateType);
  const auto& predicate = statement["predicate"];
  EXPECT_EQ(predicate["verdict"], "pass");
  EXPECT_EQ(predicate["base"], base);
  EXPECT_EQ(predicate["policy"]["sha256"], std::string(64, 'e'));
  EXPECT_EQ(predicate["rules"][0]["id"], "no-secrets");
  EXPECT_EQ(predicate["ci"]["actor"], "alice");
  EXPECT_EQ(predicate["time"], "2026-03-01T10:00:00Z");

  // The note is the envelope with its log inclusion proof and the checkpoint it leads to.
  std::string note_text = repo.git({"notes", "--ref=gate", "show", head});
  EXPECT_EQ(attest::read_note(handle.get(), head), note_text);
  attest::LoggedNote note = attest::parse_logged_note(note_text, "note");
  EXPECT_EQ(note.envelope, bytes);
  ASSERT_TRUE(note.inclusion.has_value());
  EXPECT_EQ(note.inclusion->index, 0u);
  EXPECT_EQ(attest::check_inclusion(note, log_key.public_key()), std::nullopt);

  attest::LogStore log = attest::LogStore::open(log_path, false);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.entry(0)->envelope, bytes);
  EXPECT_EQ(log.entry(0)->head, head);
  attest::LogVerifyOptions options;
  options.trusted = {signer.public_key()};
  options.log_key = log_key.public_key();
  EXPECT_TRUE(attest::verify_log(log, options).ok);
}

TEST_F(AttestStageTest, KeyFromTheEnvironmentSignsAndLogsToTheDefaultLocation) {
  PrivateKey ed = PrivateKey::generate(KeyType::ed25519);
  setenv("GATE_SIGNING_KEY", ed.pkcs8_pem().c_str(), 1);
  setenv("GATE_LOG_KEY", log_key.pkcs8_pem().c_str(), 1);
  std::string log_path = (dir / "env.db").string();
  setenv("GATE_LOG", log_path.c_str(), 1);
  AttestStage stage;
  load(stage, {});
  git::Repository handle = git::open_repository(repo.dir());
  AttestationRef ref = record(stage, handle.get(), 1772359200);
  unsetenv("GATE_LOG");
  unsetenv("GATE_LOG_KEY");
  unsetenv("GATE_SIGNING_KEY");
  // Without --attestation the reports point at the log entry.
  EXPECT_EQ(ref.location, log_path + "#0");
  attest::LogStore log = attest::LogStore::open(log_path, false);
  EXPECT_EQ(log.size(), 1u);
  EXPECT_EQ(*log.log_public_key_pem(), log_key.public_key().pem());
  // A log made by a first append names itself, not its key, and keeps the two keys apart.
  EXPECT_THAT(*log.origin(), testing::MatchesRegex("gate\\.local/audit-log/[0-9a-f]{16}"));
  EXPECT_EQ(log.origin()->find(log_key.key_id().substr(0, 16)), std::string::npos);
  EXPECT_FALSE(log.shared_key_allowed());
}

TEST_F(AttestStageTest, OneKeyForDecisionsAndTheLogIsRefusedUnlessAskedFor) {
  PrivateKey ed = PrivateKey::generate(KeyType::ed25519);
  attest::test::write_key_files(ed, dir / "ed");
  std::string log_path = (dir / "shared.db").string();
  {
    AttestStage stage;
    try {
      load(stage, {"--sign-key", key("ed"), "--log-key", key("ed"), "--log", log_path});
      FAIL() << "one key for both was accepted";
    } catch (const InputError& e) {
      EXPECT_NE(e.describe().find("--allow-shared-key"), std::string::npos) << e.describe();
    }
  }
  EXPECT_FALSE(std::filesystem::exists(log_path));
  AttestStage stage;
  load(stage, {"--sign-key", key("ed"), "--allow-shared-key", "--log", log_path});
  git::Repository handle = git::open_repository(repo.dir());
  record(stage, handle.get(), 1772359200);
  attest::LogStore log = attest::LogStore::open(log_path, false);
  EXPECT_EQ(log.size(), 1u);
  EXPECT_EQ(*log.log_public_key_pem(), ed.public_key().pem());
  EXPECT_TRUE(log.shared_key_allowed());
}

TEST_F(AttestStageTest, ASigningKeyWithoutALogKeySignsButWritesNoLog) {
  PrivateKey ed = PrivateKey::generate(KeyType::ed25519);
  attest::test::write_key_files(ed, dir / "ed");
  AttestStage stage;
  load(stage, {"--sign-key", key("ed"), "--notes"});
  git::Repository handle = git::open_repository(repo.dir());
  AttestationRef ref = record(stage, handle.get(), 1772359200);
  EXPECT_EQ(ref.location, "");
  EXPECT_FALSE(std::filesystem::exists(repo.path() / ".git" / "gate" / "audit.db"));
  // The note is the bare envelope: nothing logged it.
  attest::LoggedNote note = attest::parse_logged_note(*attest::read_note(handle.get(), head), "note");
  EXPECT_FALSE(note.inclusion.has_value());
  EXPECT_EQ(note.envelope, signed_decision->envelope);
}

TEST_F(AttestStageTest, BadKeysStopBeforeAnythingIsWrittenAndAreNeverPrinted) {
  std::string envelope_path = (dir / "decision.json").string();
  std::string log_path = (dir / "audit.db").string();
  std::string fake =
      "-----BEGIN PRIVATE KEY-----\nSUPERSECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n";
  setenv("GATE_SIGNING_KEY", fake.c_str(), 1);
  {
    AttestStage stage;
    try {
      load(stage, {"--attestation", envelope_path, "--log", log_path});
      FAIL() << "a bad key was accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), "GATE_SIGNING_KEY");
      EXPECT_EQ(e.describe().find("SUPERSECRET"), std::string::npos);
    }
  }
  unsetenv("GATE_SIGNING_KEY");
  {
    // A log key of another type.
    AttestStage stage;
    EXPECT_THROW(load(stage, {"--sign-key", key("signer"), "--log-key", key("signer"),
                                 "--attestation", envelope_path, "--log", log_path}),
                 InputError);
  }
  {
    // A public key where a private key belongs.
    AttestStage stage;
    EXPECT_THROW(load(stage, {"--sign-key", (dir / "signer.pub").string()}), InputError);
  }
  {
    // An ECDSA signer alone cannot sign checkpoints for an explicitly requested log.
    AttestStage stage;
    EXPECT_THROW(load(stage, {"--sign-key", key("signer"), "--log", log_path}), InputError);
  }
  {
    AttestStage stage;
    EXPECT_THROW(load(stage, {"--attestation", envelope_path}), InputError);
  }
  EXPECT_FALSE(std::filesystem::exists(envelope_path));
  EXPECT_FALSE(std::filesystem::exists(log_path));
}

TEST_F(AttestStageTest, WithoutAKeyNothingIsSigned) {
  AttestStage stage;
  load(stage, {});
  EXPECT_FALSE(stage.sign(report, 0).has_value());
}

TEST_F(AttestStageTest, TheDefaultLogIsTheOneOfTheRepositoryJudgedNotOfTheCurrentFolder) {
  PrivateKey ed = PrivateKey::generate(KeyType::ed25519);
  setenv("GATE_SIGNING_KEY", ed.pkcs8_pem().c_str(), 1);
  setenv("GATE_LOG_KEY", log_key.pkcs8_pem().c_str(), 1);
  gate::test::TempDir elsewhere;  // not a repository: the current folder must not matter
  auto previous = std::filesystem::current_path();
  std::filesystem::current_path(elsewhere.path());
  AttestStage stage;
  load(stage, {});
  git::Repository handle = git::open_repository(repo.dir());
  AttestationRef ref = record(stage, handle.get(), 1772359200);
  std::filesystem::current_path(previous);
  unsetenv("GATE_LOG_KEY");
  unsetenv("GATE_SIGNING_KEY");
  std::string expected = (repo.path() / ".git" / "gate" / "audit.db").string();
  EXPECT_EQ(ref.location, expected + "#0");
  EXPECT_EQ(attest::LogStore::open(expected, false).size(), 1u);
  EXPECT_FALSE(std::filesystem::exists(elsewhere.path() / ".git"));
}

}  // namespace
}  // namespace gate
