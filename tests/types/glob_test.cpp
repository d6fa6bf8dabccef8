#include <gtest/gtest.h>

#include <stdexcept>

#include "gate/types/glob.hpp"

namespace gate {
namespace {

TEST(Glob, PatternWithoutSlashMatchesBasenameAtAnyDepth) {
  Glob glob("*.pem");
  EXPECT_TRUE(glob.matches("key.pem"));
  EXPECT_TRUE(glob.matches("a/b/key.pem"));
  EXPECT_FALSE(glob.matches("key.pem.txt"));
  EXPECT_FALSE(glob.matches("keypem"));
}

TEST(Glob, PatternWithSlashIsAnchored) {
  Glob glob("src/*.py");
  EXPECT_TRUE(glob.matches("src/a.py"));
  EXPECT_FALSE(glob.matches("src/sub/a.py"));
  EXPECT_FALSE(glob.matches("lib/src/a.py"));
  EXPECT_TRUE(Glob("/src/a.py").matches("src/a.py"));
}

TEST(Glob, DoubleStarSpansDirectories) {
  EXPECT_TRUE(Glob("src/**").matches("src/a/b/c.txt"));
  EXPECT_FALSE(Glob("src/**").matches("srcx/a"));
  EXPECT_TRUE(Glob("**/id_rsa").matches("id_rsa"));
  EXPECT_TRUE(Glob("**/id_rsa").matches("home/u/.ssh/id_rsa"));
  EXPECT_TRUE(Glob("a/**/b.txt").matches("a/b.txt"));
  EXPECT_TRUE(Glob("a/**/b.txt").matches("a/x/y/b.txt"));
  EXPECT_FALSE(Glob("a/**/b.txt").matches("a/x/y/c.txt"));
}

TEST(Glob, DirectoryPatternCoversEverythingBelow) {
  EXPECT_TRUE(Glob("data/").matches("data/x.csv"));
  EXPECT_TRUE(Glob("data").matches("data/x.csv"));
  EXPECT_TRUE(Glob("models").matches("a/models/m.bin"));
  EXPECT_FALSE(Glob("data/").matches("data"));
}

TEST(Glob, StarAndQuestionNeverCrossSlash) {
  EXPECT_FALSE(Glob("src/*.py").matches("src/a/b.py"));
  EXPECT_TRUE(Glob("src/*").matches("src/a"));
  // As in .gitignore, "src/*" names every entry of src, directories included.
  EXPECT_TRUE(Glob("src/*").matches("src/a/b"));
  EXPECT_TRUE(Glob("f?.txt").matches("f1.txt"));
  EXPECT_FALSE(Glob("f?.txt").matches("f/.txt"));
}

TEST(Glob, ClassesAndEscapes) {
  EXPECT_TRUE(Glob("file[0-9].txt").matches("file7.txt"));
  EXPECT_FALSE(Glob("file[!0-9].txt").matches("file7.txt"));
  EXPECT_TRUE(Glob("file[!0-9].txt").matches("filex.txt"));
  EXPECT_TRUE(Glob("a\\*b").matches("a*b"));
  EXPECT_FALSE(Glob("a\\*b").matches("axb"));
  EXPECT_TRUE(Glob("a+b(c).txt").matches("a+b(c).txt"));
}

TEST(Glob, HostilePathsMatchAsBytes) {
  EXPECT_TRUE(Glob("*.txt").matches("dir with space/\xff\xfe name.txt"));
  EXPECT_TRUE(Glob("*.txt").matches("-leading-dash.txt"));
  EXPECT_TRUE(Glob("*.txt").matches("line\nbreak.txt"));
}

TEST(Glob, MalformedPatternsAreRejectedWithAReason) {
  EXPECT_THROW(Glob(""), std::invalid_argument);
  EXPECT_THROW(Glob("a//b"), std::invalid_argument);
  EXPECT_THROW(Glob("../secrets"), std::invalid_argument);
  EXPECT_THROW(Glob("a/./b"), std::invalid_argument);
  EXPECT_THROW(Glob("file[0-9"), std::invalid_argument);
  EXPECT_THROW(Glob("trailing\\"), std::invalid_argument);
  EXPECT_THROW(Glob("/"), std::invalid_argument);
}

TEST(GlobList, LastMatchDecidesAndNegationExcludes) {
  GlobList list({"data/**", "!data/public/**"});
  EXPECT_TRUE(list.matches("data/a.csv"));
  EXPECT_FALSE(list.matches("data/public/a.csv"));
  EXPECT_FALSE(list.matches("src/a.py"));
}

}  // namespace
}  // namespace gate
