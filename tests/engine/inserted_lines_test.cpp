// The no-diff path for added files, insertions and deletions must report exactly what a line
// diff reports.
#include "gate/engine/inserted_lines.hpp"

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

class InsertedLinesTest : public ::testing::Test {
  git::Library library_;
};

TEST_F(InsertedLinesTest, AnAddedFileIsAllAddedLines) {
  AddedLines lines;
  ASSERT_TRUE(inserted_lines("", "one\r\ntwo\n\nlast", lines));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].number, 1u);
  EXPECT_EQ(lines[0].text, "one");
  EXPECT_EQ(lines[2].text, "");
  EXPECT_EQ(lines[3].number, 4u);
  EXPECT_EQ(lines[3].text, "last");
}

TEST_F(InsertedLinesTest, AnAppendNumbersLinesAfterTheOldContent) {
  AddedLines lines;
  ASSERT_TRUE(inserted_lines("a\nb\n", "a\nb\nc\nd\n", lines));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].number, 3u);
  EXPECT_EQ(lines[0].text, "c");
  EXPECT_EQ(lines[1].number, 4u);
}

TEST_F(InsertedLinesTest, ABlockInsertedAnywhereIsFoundWithoutADiff) {
  AddedLines lines;
  ASSERT_TRUE(inserted_lines("a\nb\n", "a\nX\nY\nb\n", lines));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].number, 2u);
  EXPECT_EQ(lines[0].text, "X");
  EXPECT_EQ(lines[1].number, 3u);
  // Between equal lines the block is placed as low as it goes, as the diff places it.
  AddedLines repeated;
  ASSERT_TRUE(inserted_lines("x\n}\n", "x\n}\ny\n}\n", repeated));
  ASSERT_EQ(repeated.size(), 2u);
  EXPECT_EQ(repeated[0].number, 3u);
  EXPECT_EQ(repeated[0].text, "y");
}

TEST_F(InsertedLinesTest, ADeletionAddsNothing) {
  AddedLines lines;
  EXPECT_TRUE(inserted_lines("a\nb\nc\n", "a\nc\n", lines));
  EXPECT_TRUE(lines.empty());
}

TEST_F(InsertedLinesTest, OtherEditsAreLeftToTheDiff) {
  AddedLines lines;
  EXPECT_FALSE(inserted_lines("a\nb\n", "a\nB\n", lines));        // a changed line
  EXPECT_FALSE(inserted_lines("a\nb", "a\nbc\n", lines));         // last line extended
  EXPECT_FALSE(inserted_lines("a\nb\n", "a\nXb\n", lines));       // text inserted within a line
  EXPECT_FALSE(inserted_lines("a\nb\nc\n", "a\nc\nX\n", lines));  // a deletion and an addition
  EXPECT_TRUE(lines.empty());
}

TEST_F(InsertedLinesTest, BinaryMeansANulInTheFirst8000Bytes) {
  EXPECT_FALSE(has_nul_prefix(""));
  EXPECT_FALSE(has_nul_prefix("plain text\n"));
  EXPECT_TRUE(has_nul_prefix(std::string("PK\0\3", 4)));
  std::string late(8000, 'a');
  late.push_back('\0');
  EXPECT_FALSE(has_nul_prefix(late));
}

// Random texts over a small alphabet of lines, so repeats, blank lines, CRLF and missing final
// newlines are common, edited by inserting, deleting or replacing runs of lines: wherever the fast
// path answers, it must answer as the diff does.
TEST_F(InsertedLinesTest, AgreesWithTheLineDiffOnRandomEdits) {
  const std::vector<std::string> alphabet = {"a\n", "b\n", "\n", "}\n", "a\r\n", "b"};
  std::mt19937 random(7);
  int answered = 0;
  int with_lines = 0;
  for (int round = 0; round < 6000; ++round) {
    std::vector<std::string> old_lines(random() % 7);
    for (auto& line : old_lines) line = alphabet[random() % alphabet.size()];
    std::vector<std::string> new_lines = old_lines;
    size_t at = random() % (new_lines.size() + 1);
    size_t removed = std::min<size_t>(random() % 3 == 0 ? random() % 3 : 0, new_lines.size() - at);
    new_lines.erase(new_lines.begin() + static_cast<long>(at),
                    new_lines.begin() + static_cast<long>(at + removed));
    size_t added = random() % 4;
    for (size_t i = 0; i < added; ++i) {
      new_lines.insert(new_lines.begin() + static_cast<long>(at),
                       alphabet[random() % alphabet.size()]);
    }
    std::string old_text;
    std::string new_text;
    for (const auto& line : old_lines) old_text += line;
    for (const auto& line : new_lines) new_text += line;
    AddedLines fast;
    if (!inserted_lines(old_text, new_text, fast)) continue;
    ++answered;
    if (!fast.empty()) ++with_lines;
    expect_same_lines(fast, diffed_lines(old_text, new_text),
                      "old: '" + old_text + "' new: '" + new_text + "'");
  }
  EXPECT_GT(answered, 2000);
  EXPECT_GT(with_lines, 1000);
}

}  // namespace
}  // namespace gate
