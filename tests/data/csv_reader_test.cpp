#include <gtest/gtest.h>

#include "rules/data/csv_reader.hpp"
#include "tests/data/harness.hpp"

namespace gate::data {
namespace {

struct Read {
  uint64_t number;
  uint64_t line;
  std::vector<std::string> fields;
  std::vector<std::string> issues;  // "kind@column"
};

std::vector<Read> read_all(const std::string& text, char delimiter = ',',
                           ReaderLimits limits = {}) {
  auto stream = stream_over(text);
  CsvReader reader(*stream, delimiter, limits);
  std::vector<Read> out;
  Row row;
  while (reader.next(row)) {
    Read r{row.number, row.line, {}, {}};
    for (auto f : row.fields) r.fields.emplace_back(f);
    for (const auto& i : row.issues) {
      r.issues.push_back(std::string(to_string(i.kind)) + "@" + std::to_string(i.column));
    }
    out.push_back(std::move(r));
  }
  return out;
}

using Fields = std::vector<std::string>;

TEST(CsvReader, ReadsPlainAndQuotedFieldsWithRowAndLineNumbers) {
  auto rows = read_all("id,name\n1,\"Smith, Jo\"\n2,\"say \"\"hi\"\"\"\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fields, (Fields{"id", "name"}));
  EXPECT_EQ(rows[1].fields, (Fields{"1", "Smith, Jo"}));
  EXPECT_EQ(rows[2].fields, (Fields{"2", "say \"hi\""}));
  EXPECT_EQ(rows[2].number, 3u);
  EXPECT_EQ(rows[2].line, 3u);
  EXPECT_TRUE(rows[2].issues.empty());
}

TEST(CsvReader, QuotedNewlinesAdvancePhysicalLines) {
  auto rows = read_all("a,b\n\"x\ny\nz\",1\nlast,2");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].fields, (Fields{"x\ny\nz", "1"}));
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_EQ(rows[2].line, 5u);
  EXPECT_EQ(rows[2].fields, (Fields{"last", "2"}));
}

TEST(CsvReader, CrlfLfAndLoneCrEndRecordsAndBlankLinesAreSkipped) {
  auto rows = read_all("a,b\r\n1,2\r\n\r\n3,4\r5,6\n\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1].fields, (Fields{"1", "2"}));
  EXPECT_EQ(rows[2].fields, (Fields{"3", "4"}));
  EXPECT_EQ(rows[2].line, 4u);
  EXPECT_EQ(rows[3].fields, (Fields{"5", "6"}));
  EXPECT_EQ(rows[3].line, 5u);
}

TEST(CsvReader, EmptyFieldsAndTrailingDelimiter) {
  auto rows = read_all(",,\n\"\",x,\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].fields, (Fields{"", "", ""}));
  EXPECT_EQ(rows[1].fields, (Fields{"", "x", ""}));
}

TEST(CsvReader, TabSeparated) {
  auto rows = read_all("a\tb\n1,5\t\"q\"\n", '\t');
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].fields, (Fields{"1,5", "q"}));
}

TEST(CsvReader, UnterminatedQuoteIsReportedAtEnd) {
  auto rows = read_all("a,b\n1,\"open\n2,3\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].issues, (std::vector<std::string>{"unterminated-quote@2"}));
  EXPECT_EQ(rows[1].fields[1], "open\n2,3\n");
}

TEST(CsvReader, StrayQuotesNulAndInvalidUtf8AreIssuesNotCrashes) {
  auto rows = read_all(std::string("ab\"c,\"x\"y,n\0l,\xff\xfe\n", 17));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].issues, (std::vector<std::string>{"stray-quote@1", "stray-quote@2",
                                                      "nul-byte@3", "invalid-utf8@4"}));
  EXPECT_EQ(rows[0].fields[0], "ab\"c");
  EXPECT_EQ(rows[0].fields[1], "xy");
}

TEST(CsvReader, ValidMultibyteUtf8Passes) {
  auto rows = read_all("na\xc3\xafve,\xe2\x82\xac,\xf0\x9f\x98\x80\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].issues.empty());
  auto bad = read_all("\xc0\xaf,\xed\xa0\x80,\xe2\x82\n");  // overlong, surrogate, truncated
  EXPECT_EQ(bad[0].issues,
            (std::vector<std::string>{"invalid-utf8@1", "invalid-utf8@2", "invalid-utf8@3"}));
}

TEST(CsvReader, HugeFieldIsTruncatedAndReported) {
  ReaderLimits limits;
  limits.max_field_bytes = 100;
  auto rows = read_all("a,b\n" + std::string(10000, 'x') + ",ok\n", ',', limits);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].fields[0].size(), 100u);
  EXPECT_EQ(rows[1].fields[1], "ok");
  EXPECT_EQ(rows[1].issues, (std::vector<std::string>{"field-too-large@1"}));
}

TEST(CsvReader, TooManyFieldsAreDroppedAndReported) {
  ReaderLimits limits;
  limits.max_fields = 3;
  auto rows = read_all("1,2,3,4,5,6\n", ',', limits);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (Fields{"1", "2", "3"}));
  EXPECT_EQ(rows[0].issues, (std::vector<std::string>{"too-many-fields@4"}));
}

TEST(CsvReader, SeveralGigabytesInConstantMemory) {
  // 3 GB of rows through a generating stream: the reader holds one record at a time.
  const uint64_t total = 3ULL << 30;
  test::GeneratedStream stream("id,name\n", std::string(1000, 'y') + "," + "z\n", total);
  ReaderLimits limits;
  CsvReader reader(stream, ',', limits);
  Row row;
  uint64_t rows = 0;
  while (rows < 2000 && reader.next(row)) ++rows;  // the first rows prove it streams
  EXPECT_EQ(rows, 2000u);
  EXPECT_EQ(row.line, 2000u);
}

TEST(CsvReader, HugeUnterminatedQuoteStaysBounded) {
  // An opening quote and then 256 MB without a closing one: one bounded, truncated field.
  test::GeneratedStream stream("a\n\"", std::string(4096, 'q'), 256ULL << 20);
  ReaderLimits limits;
  limits.max_field_bytes = 1 << 16;
  CsvReader reader(stream, ',', limits);
  Row row;
  ASSERT_TRUE(reader.next(row));
  ASSERT_TRUE(reader.next(row));
  EXPECT_EQ(row.fields[0].size(), size_t{1} << 16);
  ASSERT_EQ(row.issues.size(), 2u);
  EXPECT_EQ(row.issues[0].kind, RowIssueKind::unterminated_quote);
  EXPECT_EQ(row.issues[1].kind, RowIssueKind::field_too_large);
  EXPECT_FALSE(reader.next(row));
  EXPECT_EQ(reader.bytes_consumed(), 256ULL << 20);
}

}  // namespace
}  // namespace gate::data
