// The readers Gate uses to read data as the formats define it: Table Schema value types, CSV
// dialects, compressed and Latin-1 resources, DVC 2 digests. Each with the hostile inputs a
// repository can hold.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "gate/types/blob_source.hpp"
#include "gate/types/errors.hpp"
#include "rules/data/compressed_stream.hpp"
#include "rules/data/data_digest.hpp"
#include "rules/data/dialect_reader.hpp"
#include "rules/data/field_types.hpp"
#include "rules/data/table_validator.hpp"
#include "rules/data/transcoding_stream.hpp"

namespace gate::data {
namespace {

std::string read_all(ByteStream& stream) {
  std::string out;
  char buffer[7];  // small reads: the streams must carry state across calls
  while (size_t n = stream.read(buffer, sizeof buffer)) out.append(buffer, n);
  return out;
}

TEST(FieldTypes, StrptimeAsPython) {
  EXPECT_TRUE(matches_strptime("%d/%m/%y", "21/11/06"));
  EXPECT_TRUE(matches_strptime("fmt:%d/%m/%y %H:%M", "21/11/06 16:30"));
  EXPECT_FALSE(matches_strptime("%y/%m/%d", "21/11/06 16:30"));  // unconverted data remains
  EXPECT_FALSE(matches_strptime("%H:%M %d/%m/%y", "21/11/06 16:30"));
  EXPECT_FALSE(matches_strptime("%d/%m/%Y", "30/02/2024"));  // no 30 February
  EXPECT_TRUE(matches_strptime("%d %B %Y", "1 march 2024"));
  EXPECT_FALSE(matches_strptime("invalid", "21/11/06"));  // no directive matches nothing else
  EXPECT_FALSE(matches_strptime("%Q", "x"));              // bad directive
  EXPECT_FALSE(matches_strptime("%", ""));
  EXPECT_FALSE(matches_strptime(std::string(100000, '%'), std::string(100000, '%')));
}

TEST(FieldTypes, TimesDurationsAndYearMonths) {
  EXPECT_TRUE(valid_time("06:00:00"));
  EXPECT_TRUE(valid_time("06:00:00Z"));
  EXPECT_TRUE(valid_time("06:00:00+01:00"));
  EXPECT_FALSE(valid_time("06:00:00+1:00"));
  EXPECT_FALSE(valid_time("09:00"));
  EXPECT_TRUE(valid_loose_date("10th Jan 1969", false));
  EXPECT_FALSE(valid_loose_date("10th Jan nineteen sixty nine", false));
  EXPECT_TRUE(valid_loose_date("3:00 am", true));
  EXPECT_FALSE(valid_loose_date("some night", true));
  EXPECT_TRUE(valid_duration("P1Y10M3DT5H11M7S"));
  EXPECT_TRUE(valid_duration("PT1S"));
  EXPECT_FALSE(valid_duration("P1M1Y"));  // components out of order
  EXPECT_FALSE(valid_duration("P-1Y"));
  EXPECT_FALSE(valid_duration("P"));
  EXPECT_FALSE(valid_duration("PT"));
  EXPECT_TRUE(valid_yearmonth("2000-10"));
  EXPECT_FALSE(valid_yearmonth("2000-13"));
  EXPECT_FALSE(valid_yearmonth("2000-0"));
}

TEST(FieldTypes, GeoAndJsonValues) {
  EXPECT_TRUE(valid_geopoint("180, -90", GeoFormat::point_text));
  EXPECT_FALSE(valid_geopoint("181,90", GeoFormat::point_text));
  EXPECT_TRUE(valid_geopoint("[180, -90]", GeoFormat::array));
  EXPECT_FALSE(valid_geopoint("[180, -90, 3]", GeoFormat::array));
  EXPECT_TRUE(valid_geopoint(R"({"lon": 180, "lat": 90})", GeoFormat::object));
  EXPECT_FALSE(valid_geopoint(R"({"lon": 180})", GeoFormat::object));
  EXPECT_TRUE(valid_geojson(R"({"type": "Feature", "geometry": null, "properties": {}})", false));
  EXPECT_FALSE(valid_geojson("{}", false));
  EXPECT_FALSE(valid_geojson(R"({"type": "Point", "coordinates": "x"})", false));
  EXPECT_TRUE(valid_geojson(R"({"type": "LineString", "arcs": [42]})", true));
  EXPECT_TRUE(valid_json_container("{}", true));
  EXPECT_FALSE(valid_json_container("[]", true));
  EXPECT_TRUE(valid_json_container("[]", false));
  // Nesting bombs are refused before any parse, without recursion.
  EXPECT_FALSE(valid_json_container(std::string(1 << 20, '['), false));
  EXPECT_FALSE(valid_geojson(std::string(1 << 20, '{'), false));
}

TEST(FieldTypes, WellKnownText) {
  EXPECT_TRUE(valid_wkt("POINT (30 10)"));
  EXPECT_TRUE(valid_wkt("GEOMETRYCOLLECTION EMPTY"));
  EXPECT_TRUE(valid_wkt("POINT Z (1 2 3)"));
  EXPECT_TRUE(valid_wkt("CURVEPOLYGON(COMPOUNDCURVE(CIRCULARSTRING (0 0,1 1,2 0),(2 0,0 0)))"));
  EXPECT_FALSE(valid_wkt("POLYGON ((30 10, 40 40, 20 40, 10 20, 30 10)"));
  EXPECT_FALSE(valid_wkt("string"));
  EXPECT_FALSE(valid_wkt("POINT (30)"));
  // Deep nesting stops at a fixed depth instead of recursing through the input.
  EXPECT_FALSE(valid_wkt("POINT " + std::string(100000, '(')));
}

std::vector<std::vector<std::string>> read_dialect_rows(const std::string& text,
                                                        const CsvDialect& dialect,
                                                        char delimiter = ',') {
  auto stream = stream_over(text);
  DialectCsvReader reader(*stream, dialect, delimiter);
  std::vector<std::vector<std::string>> rows;
  Row row;
  while (reader.next(row)) {
    std::vector<std::string> fields(row.fields.begin(), row.fields.end());
    fields.insert(fields.begin(), std::to_string(row.number));
    rows.push_back(fields);
  }
  return rows;
}

TEST(DialectReader, QuotesEscapesCommentsAndSpaces) {
  CsvDialect dialect;
  dialect.escape = '\\';
  dialect.skip_initial_space = true;
  dialect.comment = '#';
  auto rows = read_dialect_rows(
      "\xEF\xBB\xBFID, Test\n# a comment\n1, \"a \"\" b\"\n\n2, \"c \\\" d\"\r\n", dialect);
  EXPECT_EQ(rows, (std::vector<std::vector<std::string>>{
                      {"1", "ID", "Test"}, {"3", "1", "a \" b"}, {"5", "2", "c \" d"}}));
  CsvDialect single;
  single.quote = '\'';
  single.double_quote = false;
  EXPECT_EQ(read_dialect_rows("1;'a; b'\n", single, ';'),
            (std::vector<std::vector<std::string>>{{"1", "1", "a; b"}}));
}

TEST(DialectReader, HostileBytesStayBounded) {
  CsvDialect dialect;
  dialect.escape = '\\';
  ReaderLimits limits;
  limits.max_field_bytes = 8;
  limits.max_fields = 4;
  std::string text = "\"" + std::string(1000, 'x') + "\\";  // unterminated, escape at the end
  text += "\n" + std::string(100, ',') + "\n";
  auto stream = stream_over(text);
  DialectCsvReader reader(*stream, dialect, ',', limits);
  Row row;
  ASSERT_TRUE(reader.next(row));
  ASSERT_EQ(row.fields.size(), 1u);
  EXPECT_LE(row.fields[0].size(), 8u);
  std::vector<RowIssueKind> kinds;
  for (const auto& issue : row.issues) kinds.push_back(issue.kind);
  EXPECT_EQ(kinds, (std::vector<RowIssueKind>{RowIssueKind::unterminated_quote,
                                              RowIssueKind::field_too_large}));
  EXPECT_FALSE(reader.next(row));  // the open quote ran to the end of the file
}

// "id\n1\n2\n", gzip-compressed.
const std::string kGzip(
    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xcb\x4c\xe1\x32\xe4\x32\xe2\x02\x00\xd8\x24\x32"
    "\x12\x07\x00\x00\x00",
    27);  // 10 bytes of header, 9 of deflate, 8 of trailer

TEST(CompressedStream, ReadsGzipAndRefusesCorruptOrOversizedOutput) {
  EXPECT_EQ(compression_of("data/t.CSV.GZ"), Compression::gzip);
  EXPECT_EQ(without_compression("data/t.csv.bz2"), "data/t.csv");
  EXPECT_EQ(compression_named("gzip"), Compression::gzip);
  EXPECT_EQ(compression_named("lz4"), std::nullopt);
  auto stream = open_decompressed(stream_over(kGzip), Compression::gzip, "t.csv.gz", 1 << 20);
  EXPECT_EQ(read_all(*stream), "id\n1\n2\n");
  auto capped = open_decompressed(stream_over(kGzip), Compression::gzip, "t.csv.gz", 3);
  EXPECT_THROW(read_all(*capped), RuleError);  // a decompression bomb stops at the cap
  auto corrupt = [] {
    auto s =
        open_decompressed(stream_over(kGzip.substr(0, 14)), Compression::gzip, "t.csv.gz", 1 << 20);
    read_all(*s);
  };
  EXPECT_THROW(corrupt(), RuleError);
  auto not_zip = [] {
    auto s = open_decompressed(stream_over("not a zip"), Compression::zip, "t.zip", 1 << 20);
    read_all(*s);
  };
  EXPECT_THROW(not_zip(), RuleError);
}

TEST(TranscodingStream, DeclaredLatin1BecomesUtf8) {
  auto stream = open_transcoded(stream_over("caf\xE9,\xFF"), "ISO-8859-1");
  EXPECT_EQ(read_all(*stream), "caf\xC3\xA9,\xC3\xBF");
  auto utf8 = open_transcoded(stream_over("caf\xE9"), "utf-8");
  EXPECT_EQ(read_all(*utf8), "caf\xE9");  // not declared Latin-1: reported as invalid UTF-8
}

TEST(DataDigest, Dvc2NormalisesCrlfWithinEachMebibyte) {
  // A CRLF pair split by the 1 MiB boundary stays as it is; one inside a chunk becomes LF.
  std::string text(size_t{1} << 20, 'a');
  text[text.size() - 1] = '\r';
  text += "\nb\r\nc";
  std::string expected_lf = text.substr(0, size_t{1} << 20) + "\nb\nc";
  auto stream = stream_over(text);
  DataDigest digest = digest_stream(*stream);
  auto plain = stream_over(expected_lf);
  EXPECT_EQ(digest.md5_lf, digest_stream(*plain).md5);
  EXPECT_EQ(digest.size, text.size());
}

TEST(TableValidator, BlankRowsTypedKeysAndSelfForeignKeys) {
  TableSchema schema = parse_table_schema_text(R"({
    "fields": [{"name": "id", "type": "integer", "constraints": {"unique": true}},
               {"name": "parent", "type": "integer"}],
    "foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "id"}}]})");
  auto stream = stream_over("id,parent\n1,\n\n01,1\n2,7\n,\n");
  ValidationResult result = validate_table(*stream, TableFormat::csv, schema, {});
  std::vector<std::string> messages;
  for (const auto& v : result.violations) messages.push_back(v.message);
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "row 3: blank row",
                          "row 4, column 1 (field 'id'): '01' repeats the value of row 2 (unique)",
                          "row 6: blank row",
                          "row 5: foreign key (parent) value is not among the field(s) id of "
                          "this table",
                      }));
}

}  // namespace
}  // namespace gate::data
