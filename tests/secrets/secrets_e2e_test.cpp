// `gate check` on real repositories: the secret's bytes never leave the process, a malformed
// gitleaks configuration is exit 2 with file:line.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "secrets_test_support.hpp"
#include "tests/support/support.hpp"

namespace gate::secrets::test {
namespace {

using gate::test::GitRepo;
using gate::test::run_gate;
using gate::test::RunResult;

const char* kPolicy = R"(version: 1
owners: ["@acme/compliance"]
rules:
  - id: no-secrets
    type: secrets
    severity: error
)";

const char* kPolicyWithConfig = R"(version: 1
owners: ["@acme/compliance"]
rules:
  - id: no-secrets
    type: secrets
    secrets-config: .gitleaks.toml
)";

RunResult check(GitRepo& repo, std::vector<std::string> extra) {
  std::vector<std::string> args = {"check", "--repo", repo.dir(), "--base", "main"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_gate(args);
}

TEST(SecretsEndToEnd, SecretBytesAppearInNoReport) {
  GitRepo repo;
  repo.write(".gate/policy.yaml", kPolicy);
  repo.write("src/app.py", "print('hello')\n");
  repo.commit("base");
  repo.branch("feature");
  const std::string aws = "AKIA" + token(16, kBase32);
  const std::string github = "ghp_" + token(36, kAlnum);
  const std::string password = token(14, kAlnum) + "9";
  repo.write("src/app.py",
             "print('hello')\nKEY = '" + aws + "'\nDB_PASSWORD = \"" + password + "\"\n");
  repo.write("deploy/.npmrc", "//npm.pkg.github.com/:_authToken=" + github + "\n");
  repo.commit("add config");

  RunResult json_run = check(repo, {"--format", "json"});
  ASSERT_EQ(json_run.exit_code, 1) << json_run.err;
  nlohmann::json report = nlohmann::json::parse(json_run.out);
  std::string dump = report.dump();
  EXPECT_NE(dump.find("aws-access-key-id"), std::string::npos);
  EXPECT_NE(dump.find("github-classic-pat"), std::string::npos);
  EXPECT_NE(dump.find("generic-password-assignment"), std::string::npos);

  std::vector<RunResult> runs = {json_run, check(repo, {}), check(repo, {"--format", "text"})};
  for (const char* format : {"sarif", "junit", "gitlab", "github"}) {
    RunResult run = check(repo, {"--format", format});
    if (run.exit_code == 2 && run.err.find("unknown report format") != std::string::npos) continue;
    EXPECT_EQ(run.exit_code, 1) << format << ": " << run.err;
    runs.push_back(run);
  }
  for (const auto& run : runs) {
    for (const std::string& secret : {aws, github, password}) {
      EXPECT_EQ(run.out.find(secret), std::string::npos) << run.out;
      EXPECT_EQ(run.err.find(secret), std::string::npos) << run.err;
      // Not even the tail of a secret (a report could cut the front and keep the rest).
      EXPECT_EQ(run.out.find(secret.substr(4)), std::string::npos);
    }
  }
}

TEST(SecretsEndToEnd, MalformedGitleaksConfigIsExitTwoWithFileAndLine) {
  GitRepo repo;
  repo.write(".gate/policy.yaml", kPolicyWithConfig);
  repo.write(".gitleaks.toml", "[[rules]]\nid = 'acme'\nregex = '''acme_(?=x)'''\n");
  repo.write("src/app.py", "print('hello')\n");
  repo.commit("base");
  repo.branch("feature");
  repo.write("src/app.py", "print('acme')\n");
  repo.commit("change");
  RunResult run = check(repo, {});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find(".gitleaks.toml:1: rule 'acme': regex does not compile"),
            std::string::npos)
      << run.err;
}

TEST(SecretsEndToEnd, ConfigFromTheChangeDoesNotJudgeIt) {
  GitRepo repo;
  repo.write(".gate/policy.yaml", kPolicyWithConfig);
  repo.write(".gitleaks.toml", "[extend]\nuseDefault = true\n");
  repo.write("src/app.py", "print('hello')\n");
  repo.commit("base");
  repo.branch("feature");
  // The change tries to switch the AWS format off; the base configuration still applies.
  repo.write(".gitleaks.toml",
             "[extend]\nuseDefault = true\ndisabledRules = [\"aws-access-key-id\"]\n");
  repo.write("src/app.py", "KEY = 'AKIA" + token(16, kBase32) + "'\n");
  repo.commit("change");
  RunResult run = check(repo, {"--format", "json"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.out.find("aws-access-key-id"), std::string::npos);
}

}  // namespace
}  // namespace gate::secrets::test
