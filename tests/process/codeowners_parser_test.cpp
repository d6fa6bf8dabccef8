// CODEOWNERS syntax as GitHub and GitLab read it, and what Gate says about malformed lines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gate/types/errors.hpp"
#include "rules/process/codeowners.hpp"

namespace gate::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> owners_of(const Codeowners& file, const std::string& path) {
  std::vector<std::string> out;
  for (const auto& match : match_codeowners(file, path)) {
    std::string prefix = match.section->name.empty() ? "" : "[" + match.section->name + "]";
    for (const auto& owner : match.entry->owners) out.push_back(prefix + owner);
  }
  return out;
}

InputError error_of(const std::string& text) {
  try {
    parse_codeowners(text, "CODEOWNERS");
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for: " << text;
  return InputError("none");
}

TEST(CodeownersParser, LastMatchingLineWins) {
  Codeowners file = parse_codeowners(
      "# comment\n*       @global\n*.js    @js-owner  # inline comment\n/build/logs/ @doctocat\n"
      "docs/*  docs@example.com\napps/   @octocat\n/scripts/ @doctocat @octocat\n",
      "CODEOWNERS");
  EXPECT_THAT(owners_of(file, "README.md"), ElementsAre("@global"));
  EXPECT_THAT(owners_of(file, "src/app.js"), ElementsAre("@js-owner"));
  EXPECT_THAT(owners_of(file, "build/logs/x.log"), ElementsAre("@doctocat"));
  EXPECT_THAT(owners_of(file, "deep/apps/main.c"), ElementsAre("@octocat"));
  EXPECT_THAT(owners_of(file, "scripts/run.sh"), ElementsAre("@doctocat", "@octocat"));
}

TEST(CodeownersParser, DirectoryStarMeansDirectChildrenOnly) {
  Codeowners file = parse_codeowners("* @all\ndocs/* @docs\n", "CODEOWNERS");
  EXPECT_THAT(owners_of(file, "docs/guide.md"), ElementsAre("@docs"));
  EXPECT_THAT(owners_of(file, "docs/build-app/troubleshooting.md"), ElementsAre("@all"));
}

TEST(CodeownersParser, PatternWithoutOwnersClearsOwnership) {
  Codeowners file = parse_codeowners("* @all\n/vendor/\n", "CODEOWNERS");
  auto matches = match_codeowners(file, "vendor/lib.c");
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_TRUE(matches[0].entry->owners.empty());
}

TEST(CodeownersParser, EscapedSpaceAndHash) {
  Codeowners file = parse_codeowners("/my\\ dir/ @spaces\n\\#notes.md @hash\n", "CODEOWNERS");
  EXPECT_THAT(owners_of(file, "my dir/a.txt"), ElementsAre("@spaces"));
  EXPECT_THAT(owners_of(file, "#notes.md"), ElementsAre("@hash"));
}

TEST(CodeownersParser, GitLabSectionsDefaultsCountsAndOptional) {
  Codeowners file = parse_codeowners(
      "* @fallback\n"
      "[Backend][2] @backend-lead @acme/backend\n"
      "*.go\n"
      "/api/ @api-owner\n"
      "^[Docs] @writers\n"
      "*.md\n"
      "[backend]\n"
      "*.sql @dba\n",
      "CODEOWNERS");
  ASSERT_EQ(file.sections.size(), 3u);
  EXPECT_EQ(file.sections[1].name, "Backend");
  EXPECT_EQ(file.sections[1].approvals, 2u);
  EXPECT_FALSE(file.sections[1].optional);
  EXPECT_TRUE(file.sections[2].optional);
  EXPECT_THAT(owners_of(file, "cmd/main.go"),
              ElementsAre("@fallback", "[Backend]@backend-lead", "[Backend]@acme/backend"));
  EXPECT_THAT(owners_of(file, "api/users.go"), ElementsAre("@fallback", "[Backend]@api-owner"));
  EXPECT_THAT(owners_of(file, "README.md"), ElementsAre("@fallback", "[Docs]@writers"));
  // A repeated section name (any case) continues the same section.
  EXPECT_THAT(owners_of(file, "db/schema.sql"), ElementsAre("@fallback", "[Backend]@dba"));
}

TEST(CodeownersParser, CrLfAndNoTrailingNewline) {
  Codeowners file = parse_codeowners("*.c @c\r\n*.h @h", "CODEOWNERS");
  EXPECT_THAT(owners_of(file, "a.c"), ElementsAre("@c"));
  EXPECT_THAT(owners_of(file, "a.h"), ElementsAre("@h"));
}

TEST(CodeownersParser, RolesAndEmails) {
  Codeowners file = parse_codeowners("*.rb @@maintainer first.last@example.co.uk\n", "CODEOWNERS");
  EXPECT_THAT(owners_of(file, "x.rb"), ElementsAre("@@maintainer", "first.last@example.co.uk"));
}

TEST(CodeownersParser, MalformedLinesNameFileLineAndColumn) {
  InputError e = error_of("* @ok\n*.js not-an-owner\n");
  EXPECT_EQ(e.file(), "CODEOWNERS");
  EXPECT_EQ(e.line(), 2u);
  EXPECT_EQ(e.column(), 6u);
  EXPECT_THAT(e.message(), HasSubstr("'not-an-owner' is not an owner"));

  e = error_of("\n\n[Backend @x\n");
  EXPECT_EQ(e.line(), 3u);
  EXPECT_THAT(e.message(), HasSubstr("no closing ']'"));

  EXPECT_THAT(error_of("[]\n").message(), HasSubstr("empty name"));
  EXPECT_THAT(error_of("[S][0] @a\n").message(), HasSubstr("from 1 to"));
  EXPECT_THAT(error_of("[S][x] @a\n").message(), HasSubstr("approval count 'x'"));
  EXPECT_THAT(error_of("[S]junk @a\n").message(), HasSubstr("unexpected text"));
  EXPECT_THAT(error_of("!*.md @a\n").message(), HasSubstr("takes no owners"));
  EXPECT_EQ(error_of("!*.md @a\n").column(), 7u);
  EXPECT_THAT(error_of("* @a\n!\n").message(), HasSubstr("'!' without a pattern"));
  EXPECT_THAT(error_of("src/[a-z @a\n").message(), HasSubstr("unterminated"));
  EXPECT_THAT(error_of("a//b @a\n").message(), HasSubstr("empty segment"));
  EXPECT_THAT(error_of("*.c @\n").message(), HasSubstr("not a valid user or team"));
  EXPECT_THAT(error_of("*.c @org//team\n").message(), HasSubstr("not a valid user or team"));
  EXPECT_THAT(error_of("*.c a@b@c.d\n").message(), HasSubstr("is not an owner"));
  EXPECT_THAT(std::string(error_of("*.c x\n").what()), HasSubstr("CODEOWNERS:1:5: "));
}

// GitLab 17.10+: `!pattern` takes matching paths out of its section, wherever the line stands in
// the section and whatever later lines say; other sections are unaffected.
TEST(CodeownersParser, GitLabExclusionsRemovePathsFromTheirSectionOnly) {
  Codeowners file = parse_codeowners(
      "* @default\n!pom.xml\n!/generated/\n"
      "[Ruby] @ruby-devs\n*.rb\n!/config/*\nconfig/special.rb @special\n"
      "[Build]\npom.xml @build\n",
      "CODEOWNERS");
  EXPECT_THAT(owners_of(file, "src/app.c"), ElementsAre("@default"));
  EXPECT_THAT(owners_of(file, "pom.xml"), ElementsAre("[Build]@build"));
  EXPECT_THAT(owners_of(file, "sub/pom.xml"), ElementsAre("[Build]@build"));
  EXPECT_THAT(owners_of(file, "generated/x.c"), ElementsAre());
  EXPECT_THAT(owners_of(file, "lib/a.rb"), ElementsAre("@default", "[Ruby]@ruby-devs"));
  // Excluded in [Ruby] even though a later line of the section names it.
  EXPECT_THAT(owners_of(file, "config/special.rb"), ElementsAre("@default"));
  EXPECT_THAT(owners_of(file, "config/deeper/x.rb"), ElementsAre("@default", "[Ruby]@ruby-devs"));
}

TEST(CodeownersParser, HostileBytes) {
  // A NUL in a pattern or an owner is an error, not a truncated string.
  EXPECT_THAT(error_of(std::string("a\0b @x\n", 7)).message(), HasSubstr("NUL"));
  EXPECT_THAT(error_of(std::string("*.c @x\0y\n", 9)).message(), HasSubstr("not a valid user"));
  // Invalid UTF-8 in a pattern is just bytes; it matches the same bytes.
  Codeowners file = parse_codeowners("caf\xE9\xFF.txt @x\n", "CODEOWNERS");
  EXPECT_THAT(owners_of(file, "caf\xE9\xFF.txt"), ElementsAre("@x"));
  // A megabyte pattern is refused with a short message, not echoed whole.
  std::string long_pattern(1 << 20, 'a');
  InputError e = error_of(long_pattern + " @x\n");
  EXPECT_THAT(e.message(), HasSubstr("..."));
  EXPECT_LT(e.message().size(), 400u);
  // A long but compilable pattern works.
  std::string pattern(20000, 'b');
  file = parse_codeowners(pattern + " @x\n", "CODEOWNERS");
  EXPECT_THAT(owners_of(file, pattern), ElementsAre("@x"));
  std::string many_owners = "*";
  for (int i = 0; i < 100000; ++i) many_owners += " @u" + std::to_string(i);
  file = parse_codeowners(many_owners, "CODEOWNERS");
  EXPECT_EQ(file.sections[0].entries[0].owners.size(), 100000u);
  // Patterns that would be catastrophic for a backtracking matcher stay linear (RE2).
  file = parse_codeowners(std::string(64, '*') + "a*a*a*a*a*a*a*a*b @x\n", "CODEOWNERS");
  EXPECT_TRUE(owners_of(file, std::string(100000, 'a')).empty());
  EXPECT_TRUE(parse_codeowners("", "CODEOWNERS").sections[0].entries.empty());
}

}  // namespace
}  // namespace gate::rules
