// Hostile and edge-case input for the scanner: huge lines, NUL bytes, invalid UTF-8, patterns
// that would backtrack catastrophically, entropy, inline allow, binary text, overlaps.
#include <gtest/gtest.h>

#include "rules/code/secrets/catalogue.hpp"
#include "rules/code/secrets/entropy.hpp"
#include "secrets_test_support.hpp"

namespace gate::secrets::test {
namespace {

std::vector<std::string> ids(const std::vector<SecretMatch>& matches) {
  std::vector<std::string> out;
  for (const auto& m : matches) out.push_back(builtin().rules()[m.rule].spec.id);
  return out;
}

TEST(SecretsEntropy, ShannonValues) {
  EXPECT_DOUBLE_EQ(shannon_entropy(""), 0.0);
  EXPECT_DOUBLE_EQ(shannon_entropy("aaaa"), 0.0);
  EXPECT_DOUBLE_EQ(shannon_entropy("abab"), 1.0);
  EXPECT_DOUBLE_EQ(shannon_entropy("abcd"), 2.0);
  EXPECT_GT(shannon_entropy(token(40, kBase64)), 4.5);
}

TEST(SecretsScanner, GenericAssignmentsAreGatedByEntropyAndDigits) {
  EXPECT_TRUE(scan_text(builtin(), "password = \"aaaaaaaa1\"").empty());              // low entropy
  EXPECT_TRUE(scan_text(builtin(), "password = get_password_from_vault()").empty());  // no digit
  EXPECT_TRUE(scan_text(builtin(), "password: ${DB_PASSWORD}").empty());              // reference
  EXPECT_TRUE(scan_text(builtin(), "token = \"{{ .Values.token }}\"").empty());       // template
  EXPECT_TRUE(scan_text(builtin(), "if password == \"x7Gq2LmZ\":").empty());          // comparison
  EXPECT_EQ(ids(scan_text(builtin(), "PASSWORD=x7Gq2LmZ9")),
            std::vector<std::string>{"generic-password-assignment"});
  EXPECT_EQ(ids(scan_text(builtin(), "  api_key: '" + token(24, kAlnum) + "9'")),
            std::vector<std::string>{"generic-secret-assignment"});
}

TEST(SecretsScanner, SpecificFormatWinsOverGenericOnTheSameText) {
  auto matches = scan_text(builtin(), "token = \"ghp_" + token(36, kAlnum) + "\"");
  EXPECT_EQ(ids(matches), std::vector<std::string>{"github-classic-pat"});
}

TEST(SecretsScanner, ReportsLineAndColumnOfTheSecret) {
  std::string secret = "ghp_" + token(36, kAlnum);
  auto matches = scan_text(builtin(), "first\nsecond\n    x = '" + secret + "'");
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].line, 3u);
  EXPECT_EQ(matches[0].column, 10u);
  EXPECT_EQ(matches[0].secret, secret);
}

TEST(SecretsScanner, SeveralSecretsOnOneLineAndManyLines) {
  std::string line = "a=" + std::string("ghp_") + token(36, kAlnum) + " b=npm_" + token(36, kAlnum);
  auto matches = scan_text(builtin(), line + "\n" + line);
  EXPECT_EQ(ids(matches), (std::vector<std::string>{"github-classic-pat", "npm-access-token",
                                                    "github-classic-pat", "npm-access-token"}));
}

TEST(SecretsScanner, InlineAllowOnlyWhenPermitted) {
  std::string line = "key = \"AKIA" + token(16, kBase32) + "\"  # gate:allow test fixture";
  EXPECT_EQ(scan_text(builtin(), line).size(), 1u);
  ScanOptions options;
  options.allow_inline = true;
  EXPECT_TRUE(scan_text(builtin(), line, options).empty());
  // The comment covers its own line only.
  EXPECT_EQ(scan_text(builtin(), "# gate:allow\nkey = \"AKIA" + token(16, kBase32) + "\"", options)
                .size(),
            1u);
}

TEST(SecretsScanner, DisabledFormatsAreSkipped) {
  std::vector<bool> disabled(builtin().rules().size(), false);
  for (size_t i = 0; i < disabled.size(); ++i) {
    disabled[i] = builtin().rules()[i].spec.id == "aws-access-key-id";
  }
  ScanOptions options;
  options.disabled = &disabled;
  EXPECT_TRUE(scan_text(builtin(), "AKIA" + token(16, kBase32), options).empty());
}

TEST(SecretsScanner, LinesOfMegabytes) {
  std::string secret = "ghp_" + token(36, kAlnum);
  std::string line = std::string(4 << 20, 'a') + " " + secret + " " + std::string(2 << 20, '=');
  auto matches = scan_text(builtin(), line);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].column, (4u << 20) + 2);
  // A megabyte line of token characters with no secret stays quiet.
  EXPECT_TRUE(scan_text(builtin(), token(3 << 20, kAlnum).insert(0, "x ")).size() <= 3);
}

TEST(SecretsScanner, NulBytesAndInvalidUtf8) {
  std::string secret = "npm_" + token(36, kAlnum);
  std::string text =
      std::string("\0\0\xff\xfe bad \xc3\x28 ", 12) + secret + std::string("\0\x80", 2);
  auto matches = scan_text(builtin(), text);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].secret, secret);
  std::string garbage;
  for (int i = 0; i < 100000; ++i) garbage += static_cast<char>((i * 7919) & 0xff);
  EXPECT_NO_THROW(scan_text(builtin(), garbage));
}

TEST(SecretsScanner, PatternsCatastrophicForBacktrackingStayLinear) {
  // (a+)+$ and friends take exponential time in a backtracking engine on "aaaa...!"; RE2 and
  // Vectorscan are linear. A regression would hang here rather than fail an assertion.
  std::vector<SecretRuleSpec> specs;
  for (const char* regex : {"(a+)+$", "(a|aa)+b", "(x*)*y", "(?:a|a)*c", "(.*a){20}"}) {
    SecretRuleSpec spec;
    spec.id = regex;
    spec.regex = regex;
    specs.push_back(spec);
  }
  Scanner scanner(specs, {});
  std::string attack = std::string(200000, 'a') + "!";
  attack += "\n" + std::string(200000, 'x') + "!";
  auto matches = scan_text(scanner, attack);
  for (const auto& m : matches) EXPECT_NE(scanner.rules()[m.rule].spec.id, "(x*)*y");
}

TEST(SecretsScanner, PrivateKeyBlockAcrossLines) {
  std::string body = token(64, kBase64) + "\n" + token(64, kBase64) + "\n" + token(20, kBase64);
  auto matches = scan_text(builtin(), "x = 1\n-----BEGIN OPENSSH PRIVATE KEY-----\n" + body +
                                          "\n-----END OPENSSH PRIVATE KEY-----\ny = 2");
  ASSERT_EQ(ids(matches), std::vector<std::string>{"private-key-openssh"});
  EXPECT_EQ(matches[0].line, 3u);      // the secret is the body, between the armour lines
  EXPECT_EQ(matches[0].end_line, 5u);  // the last line of the key body
  EXPECT_EQ(matches[0].secret.substr(0, 64), body.substr(0, 64));
}

TEST(SecretsFragment, PrintableRunsOfBinaryBlobs) {
  std::string secret = "ghp_" + token(36, kAlnum);
  std::string blob = std::string("\x89PNG\r\n\x1a\n\0\0\0", 11) + "line2\n\x01\x02" + secret +
                     std::string("\0\0", 2) + "tail";
  Fragment fragment = printable_runs(blob);
  Scanner::Session session(builtin());
  std::vector<SecretMatch> matches;
  session.scan("img.bin", fragment, {}, matches);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].secret, secret);
  EXPECT_EQ(matches[0].line, 4u);  // after the '\n' of "\r\n", "\x1a\n" and "line2\n"
  EXPECT_EQ(matches[0].column, 3u);
}

}  // namespace
}  // namespace gate::secrets::test
