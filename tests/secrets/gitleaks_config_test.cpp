// gitleaks v8 TOML import: good configurations, allowlists, [extend], and malformed input.
#include <gtest/gtest.h>

#include <map>

#include "gate/types/errors.hpp"
#include "rules/code/secrets/catalogue.hpp"
#include "rules/code/secrets/gitleaks_config.hpp"
#include "secrets_test_support.hpp"

namespace gate::secrets::test {
namespace {

// A configuration set: file name -> content, read like the base revision.
ResolvedConfig load(const std::map<std::string, std::string>& files,
                    const std::string& main = ".gitleaks.toml") {
  return load_gitleaks_config(main, [&](const std::string& path) -> std::optional<std::string> {
    auto it = files.find(path);
    if (it == files.end()) return std::nullopt;
    return it->second;
  });
}

Scanner scanner_for(const std::string& toml) {
  ResolvedConfig config = load({{".gitleaks.toml", toml}});
  return Scanner(std::move(config.rules), std::move(config.allowlists));
}

std::vector<std::string> found(const Scanner& scanner, const std::string& text,
                               std::string_view path = "src/app.txt") {
  std::vector<std::string> out;
  for (const auto& m : scan_text(scanner, text, {}, path)) {
    out.push_back(scanner.rules()[m.rule].spec.id + "=" + m.secret);
  }
  return out;
}

// The error for a malformed configuration, as the user sees it (file:line:col: message).
std::string error_of(const std::string& toml) {
  try {
    ResolvedConfig config = load({{".gitleaks.toml", toml}});
    Scanner scanner(std::move(config.rules), std::move(config.allowlists));
  } catch (const InputError& e) {
    return e.describe();
  }
  return "no error";
}

const std::string kCustom = R"toml(
title = "team rules"

[[rules]]
id = "acme-token"
description = "ACME deploy token"
regex = '''acme_(?:live|test)_([a-z0-9]{24})'''
secretGroup = 1
keywords = ["acme_"]
tags = ["internal"]
)toml";

TEST(GitleaksConfig, ImportsIdRegexSecretGroupAndKeywords) {
  Scanner scanner = scanner_for(kCustom);
  ASSERT_EQ(scanner.rules().size(), 1u);
  EXPECT_EQ(scanner.rules()[0].spec.origin_line, 4u);
  std::string secret = token(24, kLowerDigits);
  EXPECT_EQ(found(scanner, "deploy(\"acme_live_" + secret + "\")"),
            std::vector<std::string>{"acme-token=" + secret});
  EXPECT_TRUE(found(scanner, "deploy(\"acme_prod_" + secret + "\")").empty());
}

TEST(GitleaksConfig, KeywordsGateTheRule) {
  Scanner scanner = scanner_for(R"toml(
[[rules]]
id = "internal-hex"
regex = '''[0-9a-f]{40}'''
keywords = ["INTERNAL"]
)toml");
  std::string hex = token(40, kHex);
  EXPECT_TRUE(found(scanner, "commit " + hex).empty());
  EXPECT_EQ(found(scanner, "internal_key " + hex).size(), 1u);  // keywords are case-insensitive
}

TEST(GitleaksConfig, EntropyGate) {
  Scanner scanner = scanner_for(R"toml(
[[rules]]
id = "kv"
regex = '''value=([A-Za-z0-9]{20})'''
entropy = 3.5
)toml");
  EXPECT_TRUE(found(scanner, "value=aaaaaaaaaabbbbbbbbbb").empty());
  EXPECT_EQ(found(scanner, "value=" + token(20, kAlnum)).size(), 1u);
}

TEST(GitleaksConfig, ExtendUseDefaultAddsTheBuiltInCatalogue) {
  ResolvedConfig config = load({{".gitleaks.toml", kCustom + "\n[extend]\nuseDefault = true\n"}});
  EXPECT_EQ(config.rules.size(), builtin_catalogue().size() + 1);
  EXPECT_EQ(config.rules.front().id, "acme-token");  // the team's rules come first
  Scanner scanner(std::move(config.rules), std::move(config.allowlists));
  EXPECT_EQ(found(scanner, "x = \"ghp_" + token(36, kAlnum) + "\"").size(), 1u);
}

TEST(GitleaksConfig, DisabledRulesAndOverridesOfDefaults) {
  ResolvedConfig config = load({{".gitleaks.toml", R"toml(
[extend]
useDefault = true
disabledRules = ["github-classic-pat", "not-a-gate-rule"]

[[rules]]
id = "npm-access-token"
regex = '''npm_[A-Za-z0-9]{36}'''
)toml"}});
  EXPECT_EQ(config.rules.size(), builtin_catalogue().size() - 1);
  Scanner scanner(std::move(config.rules), std::move(config.allowlists));
  EXPECT_TRUE(found(scanner, "x(\"ghp_" + token(36, kAlnum) + "\")").empty());
  EXPECT_EQ(scanner.rules()[0].spec.origin_file, ".gitleaks.toml");
}

TEST(GitleaksConfig, ExtendPathReadsAnotherFileOfTheBase) {
  ResolvedConfig config =
      load({{".gitleaks.toml", "[extend]\npath = \"ci/base.toml\"\n"}, {"ci/base.toml", kCustom}});
  ASSERT_EQ(config.rules.size(), 1u);
  EXPECT_EQ(config.rules[0].origin_file, "ci/base.toml");
}

TEST(GitleaksConfig, RuleAllowlistRegexesStopwordsAndTargets) {
  Scanner scanner = scanner_for(R"toml(
[[rules]]
id = "acme"
regex = '''acme_([a-z0-9]{16})'''
[rules.allowlist]
regexes = ['''^test''']
stopwords = ["example"]

[[rules]]
id = "beta"
regex = '''beta_[a-z0-9]{16}'''
[[rules.allowlists]]
regexTarget = "line"
regexes = ['''fixture''']
[[rules.allowlists]]
regexTarget = "match"
regexes = ['''^beta_0''']
)toml");
  EXPECT_TRUE(found(scanner, "acme_test" + token(12, kLowerDigits)).empty());
  EXPECT_TRUE(found(scanner, "acme_xxexamplexxxxxxx").empty());
  EXPECT_EQ(found(scanner, "acme_" + std::string("q9") + token(14, kLowerDigits)).size(), 1u);
  EXPECT_TRUE(found(scanner, "fixture(beta_" + token(16, kLowerDigits) + ")").empty());
  EXPECT_TRUE(found(scanner, "beta_0" + token(15, kLowerDigits)).empty());
  EXPECT_EQ(found(scanner, "beta_q" + token(15, kLowerDigits)).size(), 1u);
}

TEST(GitleaksConfig, AllowlistConditionAndNeedsEveryCriterion) {
  Scanner scanner = scanner_for(R"toml(
[[rules]]
id = "acme"
regex = '''acme_[a-z0-9]{16}'''
[rules.allowlist]
condition = "AND"
paths = ['''^test/''']
regexes = ['''acme_0''']
)toml");
  std::string tail = token(15, kLowerDigits);
  EXPECT_TRUE(found(scanner, "acme_0" + tail, "test/a.txt").empty());
  EXPECT_EQ(found(scanner, "acme_0" + tail, "src/a.txt").size(), 1u);
  EXPECT_EQ(found(scanner, "acme_q" + tail, "test/a.txt").size(), 1u);
}

TEST(GitleaksConfig, GlobalAllowlistsPathsAndTargetRules) {
  Scanner scanner = scanner_for(R"toml(
[[rules]]
id = "acme"
regex = '''acme_[a-z0-9]{16}'''
[[rules]]
id = "beta"
regex = '''beta_[a-z0-9]{16}'''

[allowlist]
description = "vendored"
paths = ['''(^|/)vendor/''']

[[allowlists]]
targetRules = ["beta"]
stopwords = ["fake"]
)toml");
  EXPECT_TRUE(found(scanner, "acme_" + token(16, kLowerDigits), "vendor/lib.go").empty());
  EXPECT_EQ(found(scanner, "acme_" + token(16, kLowerDigits), "src/lib.go").size(), 1u);
  EXPECT_TRUE(found(scanner, "beta_fake" + token(12, kLowerDigits)).empty());
  EXPECT_EQ(found(scanner, "acme_fake" + token(12, kLowerDigits)).size(), 1u);
}

TEST(GitleaksConfig, PathOnlyRuleFlagsTheFile) {
  Scanner scanner = scanner_for(R"toml(
[[rules]]
id = "pkcs12-file"
path = '''\.p12$'''
)toml");
  Scanner::Session session(scanner);
  std::vector<SecretMatch> matches;
  session.scan_path("certs/client.p12", {}, matches);
  session.scan_path("certs/client.pem", {}, matches);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].line, 0u);
}

TEST(GitleaksConfig, RulePathLimitsWhereARegexApplies) {
  Scanner scanner = scanner_for(R"toml(
[[rules]]
id = "tf-secret"
regex = '''secret_[a-z0-9]{16}'''
path = '''\.tf$'''
)toml");
  std::string text = "secret_" + token(16, kLowerDigits);
  EXPECT_EQ(found(scanner, text, "infra/main.tf").size(), 1u);
  EXPECT_TRUE(found(scanner, text, "src/main.go").empty());
}

TEST(GitleaksConfig, PatternVectorscanRejectsFallsBackToRe2) {
  // \p{..} classes need Unicode tables the byte-mode prefilter lacks; (?U) is Go's ungreedy flag.
  Scanner scanner = scanner_for(R"toml(
[[rules]]
id = "unicode-word"
regex = '''passe:\s*(\p{L}{12})'''
[[rules]]
id = "ungreedy"
regex = '''(?U)tok=([a-z0-9]{8,})'''
keywords = ["tok="]
)toml");
  EXPECT_FALSE(scanner.rules()[0].prefiltered);
  EXPECT_FALSE(scanner.rules()[0].fallback_reason.empty());
  EXPECT_FALSE(scanner.rules()[1].prefiltered);
  EXPECT_EQ(found(scanner, "passe: \xC3\xA9t\xC3\xA9soleilmer"),
            std::vector<std::string>{"unicode-word=\xC3\xA9t\xC3\xA9soleilmer"});
  EXPECT_EQ(found(scanner, "tok=abcd1234zz"), std::vector<std::string>{"ungreedy=abcd1234"});
}

TEST(GitleaksConfig, MultiLineRuleMatchesAcrossAddedLines) {
  Scanner scanner = scanner_for(R"toml(
[[rules]]
id = "two-line"
regex = '''BEGIN TOKEN\n([A-Z0-9]{20})'''
)toml");
  std::string body = token(20, kUpperDigits);
  EXPECT_EQ(found(scanner, "x\nBEGIN TOKEN\n" + body + "\ny"),
            std::vector<std::string>{"two-line=" + body});
}

struct Malformed {
  std::string toml;
  std::string expected;  // the start of InputError::describe()
};

TEST(GitleaksConfig, MalformedConfigurationsNameFileLineAndProblem) {
  const std::vector<Malformed> cases = {
      {"[[rules]\nid = 'x'\n", ".gitleaks.toml:1:"},
      {"[[rules]]\nid = \"a\"\nregex = \"unterminated\n", ".gitleaks.toml:3:"},
      {"[[rules]]\nregex = 'x'\n", ".gitleaks.toml:1:1: rules[0] has no id"},
      {"[[rules]]\nid = 'a'\n", ".gitleaks.toml:1:1: rule 'a' has neither a regex nor a path"},
      {"[[rules]]\nid = 'a'\nregex = 'x'\nsecretgroup = 1\n",
       ".gitleaks.toml:4:15: rules[0]: unknown key 'secretgroup'"},
      {"[[rules]]\nid = 'a'\nregex = 'x'\nsecretGroup = '1'\n",
       ".gitleaks.toml:4:15: rule 'a' secretGroup must be an integer"},
      {"[[rules]]\nid = 'a'\nregex = '(x)'\nsecretGroup = 2\n",
       ".gitleaks.toml:1: rule 'a': secretGroup is 2 but the regex has 1 capture group(s)"},
      {"[[rules]]\nid = 'a'\nregex = 'x'\nentropy = 9.5\n",
       ".gitleaks.toml:4:11: rule 'a' entropy must be between 0 and 8"},
      {"[[rules]]\nid = 'a'\nregex = 'x'\nkeywords = 'x'\n",
       ".gitleaks.toml:4:12: rule 'a' keywords must be an array of strings"},
      {"\n\n[[rules]]\nid = 'lookahead'\nregex = '''secret(?=[0-9])'''\n",
       ".gitleaks.toml:3: rule 'lookahead': regex does not compile"},
      {"[[rules]]\nid = 'backref'\nregex = '''(a)\\1'''\n",
       ".gitleaks.toml:1: rule 'backref': regex does not compile"},
      {"[[rules]]\nid = 'a'\nregex = 'x'\n[rules.allowlist]\nregexes = ['(']\n",
       ".gitleaks.toml:5:12: rule 'a'.allowlist.regexes: regex does not compile"},
      {"[[rules]]\nid = 'a'\nregex = 'x'\n[rules.allowlist]\nregexTarget = 'file'\n",
       ".gitleaks.toml:5:15: rule 'a'.allowlist.regexTarget must be"},
      {"[[rules]]\nid = 'a'\nregex = 'x'\n[rules.allowlist]\ncondition = 'XOR'\n",
       ".gitleaks.toml:5:13: rule 'a'.allowlist.condition must be"},
      {"[[rules]]\nid = 'a'\nregex = 'x'\n[rules.allowlist]\ndescription = 'empty'\n",
       ".gitleaks.toml:4:1: rule 'a'.allowlist has no criteria"},
      {"[[rules]]\nid = 'a'\nregex = 'x'\n[[rules]]\nid = 'a'\nregex = 'y'\n",
       ".gitleaks.toml:4:1: rule 'a' is defined twice"},
      {"[extend]\nurl = 'https://example.com/x.toml'\n",
       ".gitleaks.toml:2:7: [extend] url is not supported"},
      {"[extend]\nuseDefault = 'yes'\n",
       ".gitleaks.toml:2:14: [extend] useDefault must be true or false"},
      {"title = 'nothing'\n", ".gitleaks.toml:1:1: the configuration defines no rules"},
      {"rules = 3\n", ".gitleaks.toml:1:9: rules must be an array of tables"},
      {"[allowlist]\nstopwords = [1]\n[[rules]]\nid='a'\nregex='x'\n",
       ".gitleaks.toml:2:14: global.allowlist.stopwords element must be a string"},
      {"unknown = 1\n", ".gitleaks.toml:1:11: top level: unknown key 'unknown'"},
      {"[[rules]]\nid = 'a'\nregex = 'x'\nskipReport = true\n",
       ".gitleaks.toml:4:14: rule 'a' uses skipReport"},
      {std::string("[[rules]]\nid = \"a\xff\"\n"), ".gitleaks.toml:2:"},
      {std::string("[[rules]]\nid = 'a'\0\nregex = 'x'\n", 25), ".gitleaks.toml:2:"},
  };
  for (const auto& c : cases) {
    std::string error = error_of(c.toml);
    EXPECT_EQ(error.rfind(c.expected, 0), 0u) << "config:\n" << c.toml << "\nerror: " << error;
  }
}

TEST(GitleaksConfig, MissingFilesAreInputErrors) {
  EXPECT_THROW(load({}), InputError);
  EXPECT_THROW(load({{".gitleaks.toml", "[extend]\npath = 'nope.toml'\n"}}), InputError);
  // A chain deeper than gitleaks allows (and a cycle) ends with an error, not a loop.
  EXPECT_THROW(load({{".gitleaks.toml", "[extend]\npath = '.gitleaks.toml'\n"}}), InputError);
}

}  // namespace
}  // namespace gate::secrets::test
