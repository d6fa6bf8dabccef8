#include <gtest/gtest.h>

#include "rules/data/jsonl_reader.hpp"
#include "tests/data/harness.hpp"

namespace gate::data {
namespace {

struct Read {
  uint64_t line;
  std::vector<std::string> cells;  // "(null)" for null cells
  std::vector<std::string> issues;
  bool unreadable;
};

std::vector<Read> read_all(std::unique_ptr<ByteStream> stream, ReaderLimits limits = {}) {
  JsonLinesReader reader(*stream, {"id", "name"}, limits);
  std::vector<Read> out;
  Row row;
  while (reader.next(row)) {
    Read r{row.line, {}, {}, row.unreadable};
    for (size_t i = 0; i < row.fields.size(); ++i) {
      r.cells.push_back(row.is_null(i) ? "(null)" : std::string(row.fields[i]));
    }
    for (const auto& i : row.issues) r.issues.push_back(std::string(to_string(i.kind)));
    out.push_back(std::move(r));
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST(JsonLinesReader, ProjectsObjectsOntoColumns) {
  auto rows = read_all(stream_over(
      "{\"id\": 1, \"name\": \"a\"}\n\n{\"name\": \"b\", \"id\": 2.5}\r\n{\"id\": null}\n"));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].cells, (Strings{"1", "a"}));
  EXPECT_EQ(rows[1].cells, (Strings{"2.5", "b"}));
  EXPECT_EQ(rows[1].line, 3u);
  EXPECT_EQ(rows[2].cells, (Strings{"(null)", "(null)"}));
  EXPECT_TRUE(rows[2].issues.empty());
}

TEST(JsonLinesReader, HostileLinesBecomeIssues) {
  auto rows =
      read_all(stream_over("{\"id\": 1\n[1,2]\n{\"id\": \"\xff\"}\n{\"id\": 1, \"extra\": "
                           "2}\n{\"name\": {\"x\": 1}}\n"));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].issues, (Strings{"invalid-json"}));
  EXPECT_TRUE(rows[0].unreadable);
  EXPECT_EQ(rows[1].issues, (Strings{"not-an-object"}));
  EXPECT_EQ(rows[2].issues, (Strings{"invalid-utf8"}));
  EXPECT_EQ(rows[3].issues, (Strings{"unknown-key"}));
  EXPECT_FALSE(rows[3].unreadable);
  EXPECT_EQ(rows[4].issues, (Strings{"nested-value"}));
}

TEST(JsonLinesReader, DeepNestingIsRejectedBeforeParsing) {
  std::string deep = "{\"id\": " + std::string(100000, '[') + std::string(100000, ']') + "}\n";
  auto rows = read_all(stream_over(deep + "{\"id\": \"[[[[\"}\n"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].issues, (Strings{"too-deep"}));
  EXPECT_TRUE(rows[1].issues.empty()) << "brackets inside strings do not count";
  EXPECT_EQ(json_depth("{\"a\": \"\\\"[[[\"}", 10), 1u);
}

TEST(JsonLinesReader, OversizedLineIsSkippedAndReported) {
  ReaderLimits limits;
  limits.max_record_bytes = 1000;
  auto rows = read_all(stream_over("{\"name\": \"" + std::string(5000, 'x') + "\"}\n{\"id\": 7}\n"),
                       limits);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].issues, (Strings{"record-too-large"}));
  EXPECT_EQ(rows[1].cells, (Strings{"7", "(null)"}));
  EXPECT_EQ(rows[1].line, 2u);
}

TEST(JsonLinesReader, TruncatedLastLine) {
  auto rows = read_all(stream_over("{\"id\": 1}\n{\"id\": "));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].issues, (Strings{"invalid-json"}));
}

TEST(JsonLinesReader, GigabyteLineWithoutNewlineStaysBounded) {
  ReaderLimits limits;
  limits.max_record_bytes = 4096;
  auto stream = std::make_unique<test::GeneratedStream>("{\"id\": \"", std::string(65536, 'a'),
                                                        uint64_t{1} << 28);
  auto rows = read_all(std::move(stream), limits);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].issues, (Strings{"record-too-large"}));
}

}  // namespace
}  // namespace gate::data
