// The approvals file (--approvals FILE): format, errors with file:line:col, hostile bytes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gate/engine/evidence_loader.hpp"
#include "gate/types/errors.hpp"
#include "tests/support/support.hpp"

namespace gate {
namespace {

using ::testing::HasSubstr;

const char* kGood = R"({
  "version": 1,
  "author": "@dana",
  "approvals": [
    {"reviewer": "bob", "state": "APPROVED",
     "commit": "1111111111111111111111111111111111111111", "time": "2024-05-01T12:00:00Z"},
    {"reviewer": "@carol", "state": "changes_requested", "time": 1714564800},
    {"reviewer": "erin", "state": "approved", "time": "2024-05-01T14:00:00.123+02:00"}
  ],
  "teams": {"@acme/backend": ["bob", "@carol"], "acme/ops": []}
})";

InputError error_of(const std::string& text) {
  try {
    parse_approvals(text, "approvals.json");
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for: " << text;
  return InputError("none");
}

TEST(ApprovalsFile, ParsesTheDocumentedFormat) {
  Evidence evidence = parse_approvals(kGood, "approvals.json");
  EXPECT_TRUE(evidence.approvals_provided);
  EXPECT_EQ(evidence.author, "dana");
  ASSERT_EQ(evidence.approvals.size(), 3u);
  EXPECT_EQ(evidence.approvals[0].reviewer, "bob");
  EXPECT_EQ(evidence.approvals[0].state, "approved");
  EXPECT_EQ(evidence.approvals[0].commit, "1111111111111111111111111111111111111111");
  EXPECT_EQ(evidence.approvals[0].time, 1714564800);
  EXPECT_EQ(evidence.approvals[1].reviewer, "carol");
  EXPECT_EQ(evidence.approvals[1].commit, "");
  EXPECT_EQ(evidence.approvals[2].time, 1714564800);  // 14:00+02:00 is 12:00Z
  EXPECT_EQ(evidence.teams.at("@acme/backend"), (std::vector<std::string>{"bob", "carol"}));
  EXPECT_TRUE(evidence.teams.count("@acme/ops"));
}

TEST(ApprovalsFile, EmptyListIsValid) {
  Evidence evidence = parse_approvals(R"({"approvals": []})", "a.json");
  EXPECT_TRUE(evidence.approvals.empty());
  EXPECT_TRUE(evidence.approvals_provided);
}

TEST(ApprovalsFile, SyntaxErrorsNameLineAndColumn) {
  InputError e = error_of("{\n  \"approvals\": [\n    {\"reviewer\": \"bob\",}\n  ]\n}\n");
  EXPECT_EQ(e.file(), "approvals.json");
  EXPECT_EQ(e.line(), 3u);
  EXPECT_EQ(e.column(), 24u);
  EXPECT_THAT(e.message(), HasSubstr("invalid JSON"));
  EXPECT_THAT(std::string(e.what()), HasSubstr("approvals.json:3:24: invalid JSON"));
  EXPECT_THAT(std::string(e.what()), HasSubstr("hint: "));
}

TEST(ApprovalsFile, SchemaErrorsNameTheValuesLine) {
  InputError e = error_of(
      "{\n  \"approvals\": [\n    {\"reviewer\": \"bob\", \"state\": \"approved\"},\n"
      "    {\"reviewer\": \"eve\",\n     \"state\": \"lgtm\"}\n  ]\n}\n");
  EXPECT_EQ(e.line(), 5u);
  EXPECT_THAT(e.message(), HasSubstr("/approvals/1/state: unknown state \"lgtm\""));

  e = error_of("{\"approvals\": [{\"state\": \"approved\"}]}");
  EXPECT_THAT(e.message(), HasSubstr("/approvals/0: has no \"reviewer\""));
  e = error_of("{\n\"approvals\": [],\n\"aprovals\": []}");
  EXPECT_EQ(e.line(), 3u);
  EXPECT_THAT(e.message(), HasSubstr("unknown key \"aprovals\""));
  EXPECT_THAT(error_of("{}").message(), HasSubstr("has no \"approvals\" list"));
  EXPECT_THAT(error_of("[]").message(), HasSubstr("must be a JSON object"));
  EXPECT_THAT(error_of(R"({"approvals": {}})").message(), HasSubstr("must be a list"));
  EXPECT_THAT(error_of(R"({"version": 2, "approvals": []})").message(), HasSubstr("unsupported"));
  EXPECT_THAT(error_of(R"({"approvals": [{"reviewer": 7, "state": "approved"}]})").message(),
              HasSubstr("must be a login"));
  EXPECT_THAT(error_of(R"({"approvals": [{"reviewer": "a b", "state": "approved"}]})").message(),
              HasSubstr("whitespace"));
  EXPECT_THAT(
      error_of(R"({"approvals": [{"reviewer": "a", "state": "approved", "commit": "abc"}]})")
          .message(),
      HasSubstr("full commit id"));
  EXPECT_THAT(
      error_of(R"({"approvals": [{"reviewer": "a", "state": "approved", "time": "yesterday"}]})")
          .message(),
      HasSubstr("ISO 8601"));
  EXPECT_THAT(
      error_of(
          R"({"approvals": [{"reviewer": "a", "state": "approved", "time": "2024-13-01T00:00:00Z"}]})")
          .message(),
      HasSubstr("ISO 8601"));
  EXPECT_THAT(error_of(R"({"approvals": [], "teams": {"solo": ["a"]}})").message(),
              HasSubstr("not of the form @org/team"));
}

TEST(ApprovalsFile, HostileBytes) {
  EXPECT_THAT(error_of(std::string("{\"approvals\": [\0]}", 18)).message(),
              HasSubstr("invalid JSON"));
  EXPECT_THAT(error_of("{\"approvals\": [], \"author\": \"\xFF\xFE\"}").message(),
              HasSubstr("invalid JSON"));
  EXPECT_THAT(error_of("").message(), HasSubstr("invalid JSON"));
  EXPECT_THAT(error_of(std::string(100000, '[')).message(), HasSubstr("invalid JSON"));
  EXPECT_THAT(error_of(std::string(100000, '[') + std::string(100000, ']')).message(),
              HasSubstr("must be a JSON object"));
  std::string deep = "{\"approvals\": [], \"teams\": ";
  for (int i = 0; i < 100000; ++i) deep += "{\"a\":";
  deep += "1" + std::string(100001, '}');
  EXPECT_THAT(error_of(deep).message(), HasSubstr("/teams/a"));
  // A megabyte login on one line is read (and judged) without trouble.
  std::string login(1 << 20, 'a');
  Evidence evidence = parse_approvals(
      "{\"approvals\": [{\"reviewer\": \"" + login + "\", \"state\": \"approved\"}]}", "a.json");
  EXPECT_EQ(evidence.approvals[0].reviewer.size(), login.size());
}

TEST(ApprovalsFile, LoadEvidenceReadsTheFileAndFallsBackToTheActor) {
  test::TempDir dir;
  test::write_file(dir / "a.json", R"({"approvals": [{"reviewer": "bob", "state": "approved"}]})");
  CiContext context;
  context.actor = "dana";
  Evidence evidence = load_evidence((dir / "a.json").string(), context, ChangeSet{});
  EXPECT_EQ(evidence.author, "dana");
  EXPECT_EQ(evidence.approvals.size(), 1u);
  Evidence none = load_evidence(std::nullopt, context, ChangeSet{});
  EXPECT_FALSE(none.approvals_provided);
  try {
    load_evidence((dir / "missing.json").string(), context, ChangeSet{});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.message(), HasSubstr("cannot read"));
  }
}

}  // namespace
}  // namespace gate
