// The secrets fingerprint: a keyed HMAC that a guessed secret cannot be checked against, the
// same in every run of one repository, and independent of where the secret sits.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "gate/types/errors.hpp"
#include "gate/types/redact.hpp"
#include "rules/code/secrets/fingerprint.hpp"

namespace gate::secrets::test {
namespace {

namespace fs = std::filesystem;

struct TempRepo {
  fs::path root;
  TempRepo() {
    char pattern[] = "/tmp/gate-fingerprint-XXXXXX";
    root = ::mkdtemp(pattern);
    fs::create_directories(root / ".git");
  }
  ~TempRepo() { fs::remove_all(root); }
};

// The environment variable would override the repository key in these tests.
struct NoKeyVariable {
  NoKeyVariable() { ::unsetenv("GATE_SECRETS_FINGERPRINT_KEY"); }
};

TEST(SecretsFingerprint, DictionaryOfGuessesCannotFindTheSecretWithoutTheKey) {
  NoKeyVariable clear;
  TempRepo repo;
  const FingerprintKey& key = fingerprint_key(repo.root);
  const std::string basis =
      secret_fingerprint_basis(key, "generic-password-assignment", "hunter42");
  // What an attacker holding the report can compute from a guess: every unkeyed hash of it.
  for (std::string guess : {"password", "letmein", "hunter2", "hunter42"}) {
    EXPECT_EQ(basis.find(sha256_hex(guess)), std::string::npos) << guess;
    EXPECT_NE(basis, secret_fingerprint_basis(FingerprintKey{"", ""}, "generic-password-assignment",
                                              guess));
  }
  EXPECT_EQ(basis.rfind("hmac-sha256:", 0), 0u);
  EXPECT_EQ(basis.size(), std::string("hmac-sha256:").size() + 64);
}

TEST(SecretsFingerprint, RepositoryKeyIsCreatedPrivateAndReusedAcrossRuns) {
  NoKeyVariable clear;
  TempRepo repo;
  const std::string first =
      secret_fingerprint_basis(fingerprint_key(repo.root), "jwt", "eyJhbGciOi.example");
  const fs::path key_file = repo.root / ".git" / "gate" / "secrets-fingerprint.key";
  ASSERT_TRUE(fs::exists(key_file));
  struct stat info {};
  ASSERT_EQ(::stat(key_file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  std::ifstream in(key_file);
  std::string stored;
  in >> stored;
  EXPECT_EQ(stored.size(), 64u);
  // Same key bytes, same basis: a second run (a new FingerprintKey read from the file).
  EXPECT_EQ(first,
            secret_fingerprint_basis(FingerprintKey{stored, ""}, "jwt", "eyJhbGciOi.example"));
  // Another repository gets another key.
  TempRepo other;
  EXPECT_NE(first,
            secret_fingerprint_basis(fingerprint_key(other.root), "jwt", "eyJhbGciOi.example"));
}

TEST(SecretsFingerprint, KeyFileReadableByOthersIsRefused) {
  NoKeyVariable clear;
  TempRepo repo;
  fs::create_directories(repo.root / ".git" / "gate");
  const fs::path key_file = repo.root / ".git" / "gate" / "secrets-fingerprint.key";
  std::ofstream(key_file) << std::string(64, 'a') << "\n";
  ::chmod(key_file.c_str(), 0644);
  EXPECT_THROW(fingerprint_key(repo.root), InputError);
}

TEST(SecretsFingerprint, VariableKeyWinsAndTooShortIsAnError) {
  TempRepo repo;
  ::setenv("GATE_SECRETS_FINGERPRINT_KEY", "0123456789abcdef0123", 1);
  EXPECT_EQ(fingerprint_key(repo.root).source, "GATE_SECRETS_FINGERPRINT_KEY");
  EXPECT_EQ(fingerprint_key(repo.root).bytes, "0123456789abcdef0123");
  EXPECT_FALSE(fs::exists(repo.root / ".git" / "gate" / "secrets-fingerprint.key"));
  ::setenv("GATE_SECRETS_FINGERPRINT_KEY", "short", 1);
  EXPECT_THROW(fingerprint_key(repo.root), InputError);
  ::unsetenv("GATE_SECRETS_FINGERPRINT_KEY");
}

TEST(SecretsFingerprint, WorktreeSharesTheKeyOfItsMainRepository) {
  NoKeyVariable clear;
  TempRepo main_repo;
  fs::path worktree = main_repo.root / "wt";
  fs::path worktree_git = main_repo.root / ".git" / "worktrees" / "wt";
  fs::create_directories(worktree);
  fs::create_directories(worktree_git);
  std::ofstream(worktree / ".git") << "gitdir: " << worktree_git.string() << "\n";
  std::ofstream(worktree_git / "commondir") << "../..\n";
  EXPECT_EQ(git_dir_of(worktree), fs::weakly_canonical(main_repo.root / ".git"));
  EXPECT_EQ(fingerprint_key(worktree).bytes, fingerprint_key(main_repo.root).bytes);
}

}  // namespace
}  // namespace gate::secrets::test
