// The no-diff path for added files and appends must report exactly what a line diff reports.
#include "gate/engine/appended_lines.hpp"

#include <gtest/gtest.h>

#include <random>

#include "gate/engine/git.hpp"

namespace gate {
namespace {

AddedLines diffed_lines(std::string_view old_text, std::string_view new_text) {
  AddedLines lines;
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  options.context_lines = 0;
  auto on_line = [](const git_diff_delta*, const git_diff_hunk*, const git_diff_line* line,
                    void* payload) {
    if (line->origin == GIT_DIFF_LINE_ADDITION) {
      static_cast<AddedLines*>(payload)->push_back(
          {static_cast<uint32_t>(line->new_lineno),
           without_line_end({line->content, line->content_len})});
    }
    return 0;
  };
  git::check(
      git_diff_buffers(old_text.data(), old_text.size(), nullptr, new_text.data(), new_text.size(),
                       nullptr, &options, nullptr, nullptr, nullptr, on_line, &lines),
      "diff");
  return lines;
}

void expect_same_lines(const AddedLines& a, const AddedLines& b, const std::string& context) {
  ASSERT_EQ(a.size(), b.size()) << context;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].number, b[i].number) << context;
    EXPECT_EQ(a[i].text, b[i].text) << context;
  }
}

class AddedLinesTest : public ::testing::Test {
  git::Library library_;
};

TEST_F(AddedLinesTest, AnAddedFileIsAllAddedLines) {
  AddedLines lines;
  ASSERT_TRUE(appended_lines("", "one\r\ntwo\n\nlast", lines));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].number, 1u);
  EXPECT_EQ(lines[0].text, "one");
  EXPECT_EQ(lines[2].text, "");
  EXPECT_EQ(lines[3].number, 4u);
  EXPECT_EQ(lines[3].text, "last");
}

TEST_F(AddedLinesTest, AnAppendNumbersLinesAfterTheOldContent) {
  AddedLines lines;
  ASSERT_TRUE(appended_lines("a\nb\n", "a\nb\nc\nd\n", lines));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].number, 3u);
  EXPECT_EQ(lines[0].text, "c");
  EXPECT_EQ(lines[1].number, 4u);
}

TEST_F(AddedLinesTest, OtherEditsAreLeftToTheDiff) {
  AddedLines lines;
  EXPECT_FALSE(appended_lines("a\nb\n", "a\nX\nb\n", lines));     // an insertion
  EXPECT_FALSE(appended_lines("a\nb\n", "a\n", lines));           // a deletion
  EXPECT_FALSE(appended_lines("a\nb", "a\nbc\n", lines));         // old last line extended
  EXPECT_FALSE(appended_lines("x\n}\n", "x\n}\ny\n}\n", lines));  // block could slide up
  EXPECT_TRUE(lines.empty());
}

TEST_F(AddedLinesTest, BinaryMeansANulInTheFirst8000Bytes) {
  EXPECT_FALSE(has_nul_prefix(""));
  EXPECT_FALSE(has_nul_prefix("plain text\n"));
  EXPECT_TRUE(has_nul_prefix(std::string("PK\0\3", 4)));
  std::string late(8000, 'a');
  late.push_back('\0');
  EXPECT_FALSE(has_nul_prefix(late));
}

// Random texts over a small alphabet of lines, so repeats, blank lines, CRLF and missing final
// newlines are common: wherever the fast path answers, it must answer as the diff does.
TEST_F(AddedLinesTest, AgreesWithTheLineDiffOnRandomAppends) {
  const std::vector<std::string> alphabet = {"a\n", "b\n", "\n", "}\n", "a\r\n", "b"};
  std::mt19937 random(7);
  int answered = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string old_text;
    std::string new_text;
    int old_lines = static_cast<int>(random() % 5);
    for (int i = 0; i < old_lines; ++i) old_text += alphabet[random() % alphabet.size()];
    new_text = old_text;
    int added = static_cast<int>(random() % 4);
    for (int i = 0; i < added; ++i) new_text += alphabet[random() % alphabet.size()];
    AddedLines fast;
    if (!appended_lines(old_text, new_text, fast)) continue;
    ++answered;
    expect_same_lines(fast, diffed_lines(old_text, new_text),
                      "old: '" + old_text + "' new: '" + new_text + "'");
  }
  EXPECT_GT(answered, 1000);
}

}  // namespace
}  // namespace gate
