// The CSV reader has a fast path for records that lie wholly in its read buffer and a general
// one for the rest; these tests pin that both give the same rows, wherever the buffer ends.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "rules/data/csv_reader.hpp"

namespace gate::data {
namespace {

constexpr size_t kReaderBuffer = CsvReader::kBufferSize;

// Hands out at most `chunk` bytes a read: with small chunks nearly every record crosses a
// refill and takes the general path.
class ChunkedStream : public ByteStream {
 public:
  ChunkedStream(std::string text, size_t chunk) : text_(std::move(text)), chunk_(chunk) {}
  size_t read(char* buffer, size_t size) override {
    size_t n = std::min({size, chunk_, text_.size() - offset_});
    std::memcpy(buffer, text_.data() + offset_, n);
    offset_ += n;
    return n;
  }
  uint64_t total_size() const override { return text_.size(); }

 private:
  std::string text_;
  size_t chunk_;
  size_t offset_ = 0;
};

// Every record as one comparable line: number, line, fields and issues.
std::vector<std::string> read_all(const std::string& text, size_t chunk, ReaderLimits limits = {},
                                  char delimiter = ',') {
  ChunkedStream stream(text, chunk);
  CsvReader reader(stream, delimiter, limits);
  std::vector<std::string> out;
  Row row;
  while (reader.next(row)) {
    std::string line = std::to_string(row.number) + "@" + std::to_string(row.line) + ":";
    for (std::string_view field : row.fields) line += "[" + std::string(field) + "]";
    for (const RowIssue& issue : row.issues) {
      line += " " + std::string(to_string(issue.kind)) + "@" + std::to_string(issue.column);
    }
    out.push_back(line);
  }
  EXPECT_EQ(reader.bytes_consumed(), text.size());
  return out;
}

TEST(CsvBoundary, RandomTablesReadTheSameInOnePieceAndByteByByte) {
  // Pieces chosen to hit every state: quotes, "" escapes, line ends inside and outside quotes,
  // stray quotes, NUL, valid and broken UTF-8, empty fields.
  const std::vector<std::string> pieces = {
      "a",  "bc",   ",",        ",",    "\n", "\r\n", "\r",  "\"",         "\"\"", "\"q,\"",
      "\0", "\xc3", "\xc3\xa9", "\xff", "  ", "NA",   "x\"", "\"a\"\"b\"", "\t",   "\xe2\x82\xac"};
  std::mt19937 random(42);
  ReaderLimits small;
  small.max_field_bytes = 6;
  small.max_record_bytes = 20;
  small.max_fields = 4;
  for (int table = 0; table < 400; ++table) {
    std::string text;
    size_t count = random() % 200;
    for (size_t i = 0; i < count; ++i) {
      const std::string& piece = pieces[random() % pieces.size()];
      text += piece.empty() ? std::string(1, '\0') : piece;  // "\0" reads as an empty literal
    }
    for (const ReaderLimits& limits : {ReaderLimits{}, small}) {
      std::vector<std::string> whole = read_all(text, text.size() + 1, limits);
      EXPECT_EQ(whole, read_all(text, 1, limits)) << "table " << table;
      EXPECT_EQ(whole, read_all(text, 5, limits)) << "table " << table;
      EXPECT_EQ(read_all(text, text.size() + 1, limits, '\t'), read_all(text, 3, limits, '\t'));
    }
  }
}

// A table whose first `lead` bytes are filler rows, so that what follows starts at that offset.
std::string filler(size_t lead) {
  std::string text = "id,text\n";
  while (text.size() + 15 <= lead) text += "1,abcdefghi\n";
  text += "1," + std::string(lead - text.size() - 3, 'z') + "\n";
  EXPECT_EQ(text.size(), lead);
  return text;
}

TEST(CsvBoundary, QuotedFieldAcrossTheBufferEnd) {
  std::string text = filler(kReaderBuffer - 5) + "2,\"one\ntwo, \"\"three\"\"\"\n3,x\n";
  auto rows = read_all(text, kReaderBuffer);
  std::vector<std::string> tail(rows.end() - 2, rows.end());
  size_t lines = std::count(text.begin(), text.end(), '\n');
  EXPECT_EQ(tail[0], std::to_string(rows.size() - 1) + "@" + std::to_string(lines - 2) +
                         ":[2][one\ntwo, \"three\"]");
  EXPECT_EQ(tail[1], std::to_string(rows.size()) + "@" + std::to_string(lines) + ":[3][x]");
  EXPECT_EQ(rows, read_all(text, 1));
}

TEST(CsvBoundary, CrlfSplitByTheBufferEnd) {
  // The CR is the buffer's last byte, its LF the next buffer's first: one line end, no blank line.
  std::string head = filler(kReaderBuffer - 4);
  std::string text = head + "2,a\r\n3,b\r\n";
  ASSERT_EQ(text[kReaderBuffer - 1], '\r');
  auto rows = read_all(text, kReaderBuffer);
  size_t head_rows = std::count(head.begin(), head.end(), '\n');
  ASSERT_EQ(rows.size(), head_rows + 2);
  EXPECT_EQ(rows[head_rows],
            std::to_string(head_rows + 1) + "@" + std::to_string(head_rows + 1) + ":[2][a]");
  EXPECT_EQ(rows[head_rows + 1],
            std::to_string(head_rows + 2) + "@" + std::to_string(head_rows + 2) + ":[3][b]");
  EXPECT_EQ(rows, read_all(text, 7));
}

TEST(CsvBoundary, DelimiterAsTheLastByteOfTheBuffer) {
  std::string head = filler(kReaderBuffer - 2);
  std::string text = head + "2,\n4,\"\"\n";
  ASSERT_EQ(text[kReaderBuffer - 1], ',');
  auto rows = read_all(text, kReaderBuffer);
  size_t head_rows = std::count(head.begin(), head.end(), '\n');
  EXPECT_EQ(rows[head_rows],
            std::to_string(head_rows + 1) + "@" + std::to_string(head_rows + 1) + ":[2][]");
  EXPECT_EQ(rows.back(),
            std::to_string(head_rows + 2) + "@" + std::to_string(head_rows + 2) + ":[4][]");
}

TEST(CsvBoundary, MultibyteCharacterSplitByTheBufferEndIsValid) {
  std::string head = filler(kReaderBuffer - 3);
  std::string text = head + "2,\xe2\x82\xac,\xf0\x9f\x98\x80\n";  // the euro sign straddles
  auto rows = read_all(text, kReaderBuffer);
  size_t head_rows = std::count(head.begin(), head.end(), '\n');
  EXPECT_EQ(rows.back(), std::to_string(head_rows + 1) + "@" + std::to_string(head_rows + 1) +
                             ":[2][\xe2\x82\xac][\xf0\x9f\x98\x80]");
}

TEST(CsvBoundary, InvalidUtf8IsReportedAtItsRowLineAndColumn) {
  // Bad bytes before and after the buffer end, and after a quoted line break.
  std::string head = filler(kReaderBuffer - 4);
  std::string text = "a,b,c\n1,ok,\xc3\x28\n" + head.substr(8) + "2,\xff\n3,\"x\ny\",z\xe2\x82\n";
  auto rows = read_all(text, kReaderBuffer);
  EXPECT_EQ(rows[1], "2@2:[1][ok][\xc3\x28] invalid-utf8@3");
  size_t lines = std::count(text.begin(), text.end(), '\n');
  EXPECT_EQ(rows[rows.size() - 2], std::to_string(rows.size() - 1) + "@" +
                                       std::to_string(lines - 2) + ":[2][\xff] invalid-utf8@2");
  EXPECT_EQ(rows.back(), std::to_string(rows.size()) + "@" + std::to_string(lines - 1) +
                             ":[3][x\ny][z\xe2\x82] invalid-utf8@3");
}

}  // namespace
}  // namespace gate::data
