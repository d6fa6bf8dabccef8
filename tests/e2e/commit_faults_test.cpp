// The commit invariant of `gate check` (docs/architecture.md): a failure while preparing or
// committing exits 2 and leaves nothing a user or a verifier could take for a decision: no
// report file, no attestation file, no git note, no log entry. One fault a test, each with the
// same run succeeding as its control.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "attest/keys.hpp"
#include "attest/log_store.hpp"
#include "tests/support/support.hpp"

namespace gate::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class CommitFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo.write("src/app.py", "print('hello')\n");
    repo.commit("base");
    repo.branch("feature");
    repo.write("src/app.py", "print('hello, world')\n");
    head = repo.commit("change");
    write_key(signer, "signer.key");
    write_key(other_signer, "other.key");
    write_key(log_key, "log.key");
    write_key(other_log_key, "other-log.key");
    fs::create_directories(out_dir());
  }

  void write_key(const attest::PrivateKey& key, const std::string& name) {
    write_file(dir / name, key.pkcs8_pem());
    fs::permissions(dir / name, fs::perms::owner_read | fs::perms::owner_write);
  }

  fs::path out_dir() const { return dir / "out"; }
  fs::path report() const { return out_dir() / "report.json"; }
  fs::path attestation() const { return out_dir() / "attestation.json"; }
  fs::path log() const { return dir / "audit.db"; }

  // Every sink at once: a report file, the attestation file, the git note and the log.
  std::vector<std::string> args(const std::string& key = "signer.key",
                                const std::string& report_path = "") {
    return {"check",         "--repo",
            repo.dir(),      "--base",
            "main",          "--sign-key",
            (dir / key).string(),
            "--attestation", attestation().string(),
            "--notes",       "--log",
            log().string(),  "--log-key",
            (dir / "log.key").string(), "--format",
            "json=" + (report_path.empty() ? report().string() : report_path)};
  }

  // Runs `gate` with the size of any file it writes capped at 512 bytes (a full disk, as the
  // kernel reports it: EFBIG), SIGXFSZ ignored as on a real ENOSPC.
  RunResult run_gate_with_file_size_cap(const std::vector<std::string>& gate_args) {
    std::vector<std::string> argv = {"/bin/sh", "-c", "trap '' XFSZ; ulimit -f 1; exec \"$0\" \"$@\"",
                                     GATE_BINARY};
    argv.insert(argv.end(), gate_args.begin(), gate_args.end());
    return run(argv, {{"GATE_SIGNING_KEY", "\x01unset"}, {"GATE_LOG", "\x01unset"},
                      {"GITHUB_ACTIONS", "\x01unset"}, {"GITLAB_CI", "\x01unset"},
                      {"CI", "\x01unset"}});
  }

  bool has_note() {
    return !repo.git({"for-each-ref", "refs/notes/gate"}).empty();
  }
  uint64_t log_entries() {
    if (!fs::exists(log())) return 0;
    return attest::LogStore::open(log().string(), false).size();
  }
  // Nothing but what the test put there: no report, attestation or temporary file.
  void expect_out_dir_empty() {
    for (const auto& entry : fs::directory_iterator(out_dir())) {
      ADD_FAILURE() << "left behind: " << entry.path();
    }
  }
  void expect_nothing_visible(uint64_t entries_before = 0) {
    expect_out_dir_empty();
    EXPECT_FALSE(has_note());
    EXPECT_EQ(log_entries(), entries_before);
  }

  GitRepo repo;
  TempDir dir;
  std::string head;
  attest::PrivateKey signer = attest::PrivateKey::generate(attest::KeyType::ed25519);
  attest::PrivateKey other_signer = attest::PrivateKey::generate(attest::KeyType::ed25519);
  attest::PrivateKey log_key = attest::PrivateKey::generate(attest::KeyType::ed25519);
  attest::PrivateKey other_log_key = attest::PrivateKey::generate(attest::KeyType::ed25519);
};

TEST_F(CommitFaultTest, ControlEverySinkIsWrittenWhenNothingFails) {
  RunResult result = run_gate(args());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_TRUE(fs::exists(attestation()));
  EXPECT_TRUE(has_note());
  EXPECT_EQ(log_entries(), 1u);
  auto json = nlohmann::json::parse(read_file(report()));
  EXPECT_EQ(json["attestation"]["path"], attestation().string());
  // The note is the envelope with its log proof: `gate verify` from the note alone passes.
  auto note = nlohmann::json::parse(repo.git({"notes", "--ref=gate", "show", head}));
  EXPECT_EQ(note["envelope"], read_file(attestation()));
  EXPECT_EQ(note["logIndex"], 0);
  write_file(dir / "signer.pub", signer.public_key().pem());
  write_file(dir / "log.pub", log_key.public_key().pem());
  RunResult verified = run_gate({"verify", "--repo", repo.dir(), "--commit", head, "--trust",
                                 (dir / "signer.pub").string(), "--log-pub",
                                 (dir / "log.pub").string()});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_THAT(verified.out, HasSubstr("log entry 0"));
}

TEST_F(CommitFaultTest, UnwritableReportPathWritesNothing) {
  RunResult result = run_gate(args("signer.key", (dir / "missing" / "r.json").string()));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("missing/r.json"));
  EXPECT_THAT(result.err, HasSubstr("cannot create a file here"));
  expect_nothing_visible();
  EXPECT_FALSE(fs::exists(log()));
}

TEST_F(CommitFaultTest, LogThatRefusesTheKeyWritesNothing) {
  // A log created by another log key.
  RunResult first = run_gate({"check", "--repo", repo.dir(), "--base", "main", "--sign-key",
                              (dir / "other.key").string(), "--log", log().string(), "--log-key",
                              (dir / "other-log.key").string()});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(log_entries(), 1u);

  RunResult result = run_gate(args());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("is not the key of this log"));
  expect_nothing_visible(1);
}

TEST_F(CommitFaultTest, LockedNotesRefWritesNothing) {
  fs::path lock = repo.path() / ".git" / "refs" / "notes" / "gate.lock";
  write_file(lock, "");
  RunResult result = run_gate(args());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("gate.lock"));
  EXPECT_THAT(result.err, HasSubstr("locked"));
  expect_nothing_visible();
  EXPECT_FALSE(fs::exists(log()));
  EXPECT_TRUE(fs::exists(lock));  // another process's lock is not Gate's to remove
}

TEST_F(CommitFaultTest, DiskErrorOnTheAttestationFileWritesNothing) {
  RunResult result = run_gate_with_file_size_cap(args());
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_THAT(result.err, HasSubstr(attestation().string() + ": cannot write"));
  expect_nothing_visible();
  EXPECT_FALSE(fs::exists(log()));
}

TEST_F(CommitFaultTest, ReportsNameTheLogEntryWhenThereIsNoAttestationFile) {
  RunResult result = run_gate({"check", "--repo", repo.dir(), "--base", "main", "--sign-key",
                               (dir / "signer.key").string(), "--log", log().string(),
                               "--log-key", (dir / "log.key").string(), "--format", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["attestation"]["path"], log().string() + "#0");
}

TEST_F(CommitFaultTest, DefaultLogIsTheRepositorysWhateverTheCurrentFolder) {
  TempDir elsewhere;  // not a repository
  RunResult result = run_gate({"check", "--repo", repo.dir(), "--base", "main", "--sign-key",
                               (dir / "signer.key").string(), "--log-key",
                               (dir / "log.key").string(), "--format", "json"},
                              {}, elsewhere.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  fs::path expected = repo.path() / ".git" / "gate" / "audit.db";
  EXPECT_EQ(attest::LogStore::open(expected.string(), false).size(), 1u);
  EXPECT_FALSE(fs::exists(elsewhere.path() / ".git"));
}

}  // namespace
}  // namespace gate::test
