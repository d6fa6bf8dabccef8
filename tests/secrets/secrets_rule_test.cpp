// The `secrets` rule type through the registry: parameters, what it scans, findings.
#include <gtest/gtest.h>

#include "gate/types/errors.hpp"
#include "gate/types/redact.hpp"
#include "rule_test_support.hpp"
#include "rules/code/secrets/fingerprint.hpp"
#include "secrets_test_support.hpp"

namespace gate::secrets::test {
namespace {

TEST(SecretsRule, FindingCarriesRedactedMessageRedactedBasisSeverityAndPosition) {
  std::string secret = "AKIA" + token(16, kBase32);
  ChangeSet change;
  change.files.push_back(text_file("src/config.py", {"import os", "KEY = '" + secret + "'"}));
  MemoryBlobSource blobs;
  RuleResult result = evaluate("", change, blobs);
  ASSERT_EQ(result.findings.size(), 1u);
  const Finding& f = result.findings[0];
  EXPECT_EQ(f.path, "src/config.py");
  EXPECT_EQ(f.start_line, 2u);
  EXPECT_EQ(f.column, 8u);
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_TRUE(f.security);
  EXPECT_EQ(f.fingerprint_basis,
            secret_fingerprint_basis("aws-access-key-id", "KEY = '<secret>'", 0));
  EXPECT_EQ(f.fingerprint_basis.find(sha256_hex(secret)), std::string::npos);
  EXPECT_EQ(f.message.find(secret), std::string::npos);
  EXPECT_NE(f.message.find("aws-access-key-id"), std::string::npos);
  EXPECT_NE(f.message.find(redact(secret)), std::string::npos);
  EXPECT_NE(f.message.find("(20 chars)"), std::string::npos);
}

TEST(SecretsRule, OnlyAddedLinesOfFilesInScopeAndNotDeletedFiles) {
  std::string secret = "ghp_" + token(36, kAlnum);
  ChangeSet change;
  change.files.push_back(text_file("docs/readme.md", {"token " + secret}));
  FileChange deleted = text_file("src/old.py", {});
  deleted.status = ChangeStatus::deleted;
  change.files.push_back(deleted);
  MemoryBlobSource blobs;
  PolicyRule spec;
  auto rule = make_rule("", spec);
  spec.scope.exclude = GlobList({"docs/**"});
  Policy policy;
  Evidence evidence;
  RuleContext context{change, policy, spec, blobs, evidence, std::nullopt, 0};
  RuleResult result = rule->evaluate(context);
  EXPECT_TRUE(result.findings.empty());
  EXPECT_TRUE(result.skipped.has_value());
}

TEST(SecretsRule, SmallBinaryFilesAreScannedAsPrintableText) {
  std::string secret = "npm_" + token(36, kAlnum);
  FileChange file;
  file.status = ChangeStatus::added;
  file.path = "build/app.bin";
  file.new_kind = EntryKind::file;
  file.binary = true;
  std::string blob = std::string("\0\x01\x02\x03", 4) + "auth=" + secret + std::string("\0", 1);
  file.new_size = blob.size();
  MemoryBlobSource blobs;
  blobs.put(Tree::head, file.path, blob);
  ChangeSet change;
  change.files.push_back(file);
  RuleResult result = evaluate("", change, blobs);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].column, 10u);
  // Over the limit: not read at all.
  change.files[0].new_size = 2 << 20;
  EXPECT_TRUE(evaluate("", change, blobs).findings.empty());
}

TEST(SecretsRule, FilesTooLargeForLinesAreStreamed) {
  std::string secret = "npm_" + token(36, kAlnum);
  std::string content;
  for (int i = 0; i < 20000; ++i) content += "line " + std::to_string(i) + " of filler text\n";
  content += "npmrc: //registry/:_authToken=" + secret + "\n";
  FileChange file;
  file.status = ChangeStatus::modified;
  file.path = "data/huge.txt";
  file.new_kind = EntryKind::file;
  file.too_large_for_lines = true;
  file.new_size = content.size();
  MemoryBlobSource blobs;
  blobs.put(Tree::head, file.path, content);
  ChangeSet change;
  change.files.push_back(file);
  RuleResult result = evaluate("", change, blobs);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].start_line, 20001u);
}

TEST(SecretsRule, GitleaksConfigComesFromTheBaseRevision) {
  const std::string toml = "[[rules]]\nid = 'acme'\nregex = '''acme_[a-z0-9]{16}'''\n";
  ChangeSet change;
  change.files.push_back(text_file("src/a.txt", {"acme_" + token(16, kLowerDigits)}));
  MemoryBlobSource head_only;
  head_only.put(Tree::head, ".gitleaks.toml", toml);
  try {
    evaluate("secrets-config: .gitleaks.toml", change, head_only);
    FAIL() << "a configuration only in the change must not be used";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), ".gitleaks.toml");
    EXPECT_NE(e.message().find("not found in the base revision"), std::string::npos);
  }
  MemoryBlobSource base;
  base.put(Tree::base, ".gitleaks.toml", toml);
  RuleResult result = evaluate("secrets-config: .gitleaks.toml", change, base);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].message.rfind("acme: ", 0), 0u);
}

TEST(SecretsRule, InlineAllowNeedsThePolicyToPermitIt) {
  ChangeSet change;
  change.files.push_back(
      text_file("src/a.py", {"KEY = 'AKIA" + token(16, kBase32) + "'  # gate:allow fixture"}));
  MemoryBlobSource blobs;
  EXPECT_EQ(evaluate("", change, blobs).findings.size(), 1u);
  EXPECT_EQ(evaluate("allow-inline: false", change, blobs).findings.size(), 1u);
  EXPECT_TRUE(evaluate("allow-inline: true", change, blobs).findings.empty());
}

TEST(SecretsRule, DisableSwitchesFormatsOff) {
  ChangeSet change;
  change.files.push_back(text_file("src/a.py", {"KEY = 'AKIA" + token(16, kBase32) + "'"}));
  MemoryBlobSource blobs;
  // The generic assignment may see a random value assigned to KEY: both are switched off.
  EXPECT_TRUE(evaluate("disable: [aws-access-key-id, generic-secret-assignment]", change, blobs)
                  .findings.empty());
}

TEST(SecretsRule, ParameterErrorsNamePolicyPositions) {
  PolicyRule spec;
  auto error_of = [&](const std::string& yaml) -> std::string {
    try {
      make_rule(yaml, spec);
    } catch (const InputError& e) {
      return e.describe();
    }
    return "no error";
  };
  EXPECT_EQ(error_of("allow-inline: maybe").rfind(".gate/policy.yaml:1:15:", 0), 0u)
      << error_of("allow-inline: maybe");
  EXPECT_NE(error_of("disable: [no-such-format]").find("not a built-in format"), std::string::npos);
  EXPECT_NE(error_of("secrets-confg: x.toml").find("secrets-confg"), std::string::npos);
  EXPECT_NE(error_of("binary-text-limit: lots").find("binary-text-limit"), std::string::npos);
}

TEST(SecretsRule, TooManySecretsInOneFileAreSummarised) {
  std::vector<std::string> lines;
  for (int i = 0; i < 1200; ++i)
    lines.push_back("t" + std::to_string(i) + " = ghp_" + token(36, kAlnum));
  ChangeSet change;
  change.files.push_back(text_file("src/dump.txt", lines));
  MemoryBlobSource blobs;
  RuleResult result = evaluate("", change, blobs);
  ASSERT_EQ(result.findings.size(), 1001u);
  EXPECT_NE(result.findings.back().message.find("200 more secrets"), std::string::npos);
}

}  // namespace
}  // namespace gate::secrets::test
