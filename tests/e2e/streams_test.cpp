// stdout carries reports only, and a failure says what kind it is.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "gate/cli/commands.hpp"
#include "gate/types/errors.hpp"
#include "tests/support/support.hpp"

namespace gate::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Streams, GitleaksConfigurationWarningsGoToStderrAndTheJsonReportStaysValid) {
  GitRepo repo;
  repo.write(".gate/policy.yaml", R"(version: 1
rules:
  - id: no-secrets
    type: secrets
    secrets-config: .gitleaks.toml
)");
  repo.write(".gitleaks.toml", "[extend]\nuseDefault = true\ndisabledRules = [\"no-such-rule\"]\n");
  repo.commit("base");
  repo.branch("feature");
  repo.write("src/app.py", "print('hello')\n");
  repo.commit("change");

  RunResult result =
      run_gate({"check", "--repo", repo.dir(), "--base", "main", "--format", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("disabledRules names 'no-such-rule'"));  // the control
  EXPECT_THAT(result.out, Not(HasSubstr("no-such-rule")));
  nlohmann::json report;
  EXPECT_NO_THROW(report = nlohmann::json::parse(result.out)) << result.out;
  EXPECT_EQ(report["verdict"], "pass");
}

TEST(Failure, BadInputNamesTheFileAndIsNotCalledInternal) {
  std::ostringstream err;
  int code = cli::report_failure(
      std::make_exception_ptr(InputError("p.yaml", 3, 1, "bad key", "remove it")), err);
  EXPECT_EQ(code, 2);
  EXPECT_EQ(err.str(), "gate: error: p.yaml:3:1: bad key\n  hint: remove it\n");
}

TEST(Failure, AnyOtherExceptionIsAnInternalErrorThatSaysWhatToReport) {
  std::ostringstream err;
  int code = cli::report_failure(std::make_exception_ptr(std::logic_error("vector::at")), err);
  EXPECT_EQ(code, 2);
  EXPECT_THAT(err.str(), HasSubstr("gate: internal error: vector::at"));
  EXPECT_THAT(err.str(), HasSubstr("please report it"));
  EXPECT_THAT(err.str(), Not(HasSubstr("gate: error:")));
}

TEST(Failure, ARuleThatCannotJudgeIsNamed) {
  std::ostringstream err;
  EXPECT_EQ(cli::report_failure(std::make_exception_ptr(RuleError("rule 'x': boom")), err), 2);
  EXPECT_EQ(err.str(), "gate: error: a rule could not evaluate: rule 'x': boom\n");
}

}  // namespace
}  // namespace gate::test
