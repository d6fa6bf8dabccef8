// The secrets fingerprint: built from the format, the secret's line(s) with the secret cut out
// and an occurrence index. No key, so fresh CI runners agree; nothing of the secret goes in, so
// a guessed secret cannot be checked against it; no line number, so it survives lines moving.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "gate/engine/engine.hpp"
#include "gate/types/redact.hpp"
#include "rule_test_support.hpp"
#include "rules/code/secrets/fingerprint.hpp"
#include "secrets_test_support.hpp"

namespace gate::secrets::test {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path root;
  TempDir() {
    char pattern[] = "/tmp/gate-fingerprint-XXXXXX";
    root = ::mkdtemp(pattern);
  }
  ~TempDir() { fs::remove_all(root); }
};

std::vector<Finding> findings_of(const std::vector<FileChange>& files,
                                 std::optional<fs::path> workdir = std::nullopt) {
  ChangeSet change;
  change.files = files;
  MemoryBlobSource blobs;
  std::vector<Finding> findings = evaluate("", change, blobs, std::move(workdir)).findings;
  for (auto& finding : findings) {
    finding.rule_id = "no-secrets";
    finding.fingerprint = fingerprint_of(finding);
  }
  return findings;
}

TEST(SecretsFingerprint, IsTheRedactedLineAndNeedsNoKey) {
  const std::string secret = "ghp_" + token(36, kAlnum);
  auto findings = findings_of({text_file("ci/deploy.sh", {"  export GH_TOKEN=" + secret + "  "})});
  ASSERT_EQ(findings.size(), 1u);
  // Exactly this value on every machine and every run: nothing random or local goes in.
  EXPECT_EQ(findings[0].fingerprint_basis,
            secret_fingerprint_basis("github-classic-pat", "export GH_TOKEN=<secret>", 0));
  EXPECT_EQ(findings[0].fingerprint_basis.find(secret), std::string::npos);
  EXPECT_EQ(findings[0].fingerprint_basis.find(secret.substr(4)), std::string::npos);
}

TEST(SecretsFingerprint, GuessingTheSecretTellsNothing) {
  // Two different secrets on the same line give the same fingerprint: the secret is no input,
  // so whoever holds the report cannot test a word list against it.
  const std::string line = "DB_PASSWORD = \"";
  auto first = findings_of({text_file("app/settings.py", {line + "Zq8#vT2m!pLw9xR4\""})});
  auto second = findings_of({text_file("app/settings.py", {line + "Kp4nW7rBv2Lq9sZx\""})});
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(first[0].fingerprint, second[0].fingerprint);
  EXPECT_EQ(first[0].fingerprint_basis.find(sha256_hex("Zq8#vT2m!pLw9xR4")), std::string::npos);
}

TEST(SecretsFingerprint, SurvivesLinesMovingAndReindenting) {
  const std::string secret = "AKIA" + token(16, kBase32);
  auto before = findings_of({text_file("src/config.py", {"KEY = '" + secret + "'"}, 2)});
  auto after = findings_of({text_file("src/config.py", {"    KEY = '" + secret + "'"}, 40)});
  ASSERT_EQ(before.size(), 1u);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(before[0].start_line, 2u);
  EXPECT_EQ(after[0].start_line, 40u);
  EXPECT_EQ(before[0].fingerprint, after[0].fingerprint);
  // Another file, another fingerprint (the engine hashes the path in).
  auto elsewhere = findings_of({text_file("src/other.py", {"KEY = '" + secret + "'"})});
  ASSERT_EQ(elsewhere.size(), 1u);
  EXPECT_NE(elsewhere[0].fingerprint, before[0].fingerprint);
}

TEST(SecretsFingerprint, IdenticalLinesAreTellApartByOccurrence) {
  auto findings = findings_of({text_file(
      "k.env", {"TOKEN=ghp_" + token(36, kAlnum), "x = 1", "TOKEN=ghp_" + token(36, kAlnum)})});
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].fingerprint_basis,
            secret_fingerprint_basis("github-classic-pat", "TOKEN=<secret>", 0));
  EXPECT_EQ(findings[1].fingerprint_basis,
            secret_fingerprint_basis("github-classic-pat", "TOKEN=<secret>", 1));
}

TEST(SecretsFingerprint, EverySecretOnTheLineIsCutOut) {
  const std::string aws = "AKIA" + token(16, kBase32);
  const std::string github = "ghp_" + token(36, kAlnum);
  auto findings = findings_of({text_file("a.sh", {"run --aws " + aws + " --gh " + github})});
  ASSERT_EQ(findings.size(), 2u);
  for (const auto& finding : findings) {
    EXPECT_EQ(finding.fingerprint_basis.find(aws), std::string::npos);
    EXPECT_EQ(finding.fingerprint_basis.find(github), std::string::npos);
    EXPECT_NE(finding.fingerprint_basis.find("run --aws <secret> --gh <secret>"),
              std::string::npos);
  }
}

TEST(SecretsFingerprint, KeyBlockKeepsOnlyTheTextAroundIt) {
  std::vector<std::string> lines = {"key: \"-----BEGIN RSA PRIVATE KEY-----"};
  for (int i = 0; i < 4; ++i) lines.push_back(token(64, kBase64));
  lines.push_back("-----END RSA PRIVATE KEY-----\"");
  auto findings = findings_of({text_file("deploy/vars.yml", lines)});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].fingerprint_basis,
            secret_fingerprint_basis("private-key-rsa",
                                     "key: \"-----BEGIN RSA PRIVATE KEY-----\n<secret>\n"
                                     "-----END RSA PRIVATE KEY-----\"",
                                     0));
}

TEST(SecretsFingerprint, JudgingReadsNoKeyVariableAndWritesNoFile) {
  TempDir repo;
  fs::create_directories(repo.root / ".git");
  const std::string secret = "AKIA" + token(16, kBase32);
  const auto files = std::vector<FileChange>{text_file("src/a.py", {"KEY = '" + secret + "'"})};
  auto without = findings_of(files, repo.root);
  ::setenv("GATE_SECRETS_FINGERPRINT_KEY", "0123456789abcdef0123456789abcdef", 1);
  ::setenv("XDG_CACHE_HOME", (repo.root / "cache").c_str(), 1);
  auto with = findings_of(files, repo.root);
  ::unsetenv("GATE_SECRETS_FINGERPRINT_KEY");
  ::unsetenv("XDG_CACHE_HOME");
  ASSERT_EQ(without.size(), 1u);
  ASSERT_EQ(with.size(), 1u);
  EXPECT_EQ(without[0].fingerprint, with[0].fingerprint);
  // Nothing written anywhere in the repository (no key file) or a cache named by the variable.
  size_t entries = 0;
  for (const auto& entry : fs::recursive_directory_iterator(repo.root)) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1u);  // .git itself
}

}  // namespace
}  // namespace gate::secrets::test
