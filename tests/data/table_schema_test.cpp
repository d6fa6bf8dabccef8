#include <gtest/gtest.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <random>

#include <nlohmann/json.hpp>

#include "rules/data/field_check.hpp"
#include "rules/data/table_schema.hpp"

namespace gate::data {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_table_schema_text(text);
  } catch (const SchemaError& e) {
    return e.what();
  }
  return "";
}

TEST(TableSchema, ReadsFieldsConstraintsKeysAndMissingValues) {
  TableSchema schema = parse_table_schema_text(R"({
    "fields": [
      {"name": "id", "type": "integer", "constraints": {"required": true, "minimum": 1}},
      {"name": "email", "type": "string", "format": "email", "constraints": {"unique": true}},
      {"name": "kind", "constraints": {"enum": ["a", "b"], "pattern": "[a-z]", "maxLength": 1}},
      {"name": "when", "type": "date", "constraints": {"minimum": "2020-01-01"}},
      {"name": "where", "type": "geopoint"}
    ],
    "primaryKey": ["id"],
    "missingValues": ["", "NA"]
  })");
  ASSERT_EQ(schema.fields.size(), 5u);
  EXPECT_EQ(schema.fields[0].type, FieldType::integer);
  EXPECT_TRUE(schema.fields[0].required);
  EXPECT_EQ(*schema.fields[0].minimum, 1.0);
  EXPECT_TRUE(schema.fields[1].unique);
  EXPECT_EQ(schema.fields[2].enum_text, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*schema.fields[2].max_length, 1u);
  EXPECT_EQ(*schema.fields[3].minimum_text, "2020-01-01");
  EXPECT_EQ(schema.fields[4].type, FieldType::geopoint);
  EXPECT_EQ(schema.notes, std::vector<std::string>{});
  EXPECT_EQ(schema.primary_key, (std::vector<size_t>{0}));
  EXPECT_EQ(schema.missing_values, (std::vector<std::string>{"", "NA"}));
}

TEST(TableSchema, HostileAndInvalidSchemasAreSchemaErrors) {
  EXPECT_EQ(error_of("[]"), "a Table Schema must be a JSON object");
  EXPECT_EQ(error_of("{}"), "a Table Schema needs a 'fields' array");
  EXPECT_EQ(error_of(R"({"fields": [{"name": "a", "type": "money"}]})"),
            "field 'a': unknown type 'money'");
  EXPECT_EQ(error_of(R"({"fields": [{"name": "a"}, {"name": "a"}]})"),
            "field 'a' is declared twice");
  EXPECT_EQ(error_of(R"({"fields": [{"name": "a", "constraints": {"pattern": "(("}}]})")
                .rfind("field 'a': pattern '((' is not a valid RE2 expression", 0),
            0u);
  EXPECT_EQ(error_of(R"({"fields": [{"name": "a", "constraints": {"minimum": 1}}]})"),
            "field 'a': 'minimum' does not apply to type string");
  EXPECT_EQ(error_of(R"({"fields": [{"name": "a"}], "primaryKey": "b"})"),
            "'primaryKey' names 'b', which is not a field");
  EXPECT_EQ(
      error_of(
          R"({"fields": [{"name": "a", "type": "integer", "constraints": {"maxLength": -1}}]})"),
      "field 'a': constraint 'maxLength' must be a non-negative integer");
  EXPECT_EQ(error_of(R"({"fields": [{"name": "a", "constraints": {"nope": 1}}]})"),
            "field 'a': unknown constraint 'nope'");
  EXPECT_EQ(error_of(std::string(100000, '[')), "nested deeper than 32 levels");
  EXPECT_EQ(error_of(std::string(2 << 20, ' ')), "larger than 1048576 bytes");
  EXPECT_EQ(error_of("{\"fields\": [").rfind("invalid JSON", 0), 0u);
  EXPECT_EQ(error_of("{\"fields\": [{\"name\": \"\xff\"}]}").rfind("invalid JSON", 0), 0u);
  // A catastrophic-backtracking pattern is harmless: RE2 matches in linear time.
  EXPECT_EQ(error_of(R"({"fields": [{"name": "a", "constraints": {"pattern": "(a+)+$"}}]})"), "");
}

Field field_of(FieldType type, std::string format = "default") {
  Field f;
  f.name = "f";
  f.type = type;
  f.format = std::move(format);
  return f;
}

bool ok(const Field& field, std::string_view cell) {
  ParsedCell parsed;
  return parse_cell(field, cell, parsed);
}

TEST(FieldCheck, TypesFollowFrictionlessDefaults) {
  Field integer = field_of(FieldType::integer);
  EXPECT_TRUE(ok(integer, "-42"));
  EXPECT_TRUE(ok(integer, "+7"));
  EXPECT_FALSE(ok(integer, "4.0"));
  EXPECT_TRUE(ok(integer, "99999999999999999999"));  // Python integers have no bound
  EXPECT_FALSE(ok(integer, "9999999999999999999x"));
  EXPECT_FALSE(ok(integer, "-"));
  Field number = field_of(FieldType::number);
  EXPECT_TRUE(ok(number, "3.25e-3"));
  EXPECT_TRUE(ok(number, "NaN"));
  EXPECT_FALSE(ok(number, "inf"));
  EXPECT_FALSE(ok(number, "1,5"));
  Field boolean = field_of(FieldType::boolean);
  EXPECT_TRUE(ok(boolean, "TRUE"));
  EXPECT_FALSE(ok(boolean, "yes"));
  Field date = field_of(FieldType::date);
  EXPECT_TRUE(ok(date, "2024-02-29"));
  EXPECT_FALSE(ok(date, "2023-02-29"));
  EXPECT_FALSE(ok(date, "2023-13-01"));
  EXPECT_FALSE(ok(date, "2023-1-01"));
  Field datetime = field_of(FieldType::datetime);
  EXPECT_TRUE(ok(datetime, "2024-05-01T10:20:30Z"));
  EXPECT_TRUE(ok(datetime, "2024-05-01T10:20:30.123+02:00"));
  EXPECT_FALSE(ok(datetime, "2024-05-01 10:20:30"));
  EXPECT_FALSE(ok(datetime, "2024-05-01T25:00:00"));
  Field year = field_of(FieldType::year);
  EXPECT_TRUE(ok(year, "1999"));
  EXPECT_FALSE(ok(year, "99"));
  EXPECT_TRUE(ok(field_of(FieldType::string, "email"), "a@b.org"));
  EXPECT_FALSE(ok(field_of(FieldType::string, "email"), "a@@b"));
  EXPECT_TRUE(ok(field_of(FieldType::string, "uuid"), "123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_FALSE(ok(field_of(FieldType::string, "uri"), "not a uri"));
}

TEST(FieldCheck, CalendarEdgesOfDatesAndTimes) {
  for (const char* good : {"2000-02-29", "2024-12-31", "0001-01-01", "2023-02-28", "2024-04-30"}) {
    EXPECT_TRUE(valid_date(good)) << good;
  }
  for (const char* bad :
       {"1900-02-29", "2023-02-29", "2024-04-31", "2024-00-10", "2024-01-00", "2024-01-32",
        "2024-1a-01", "20a4-01-01", "2024-01-0 ", "2024/01/01", "2024-01-011"}) {
    EXPECT_FALSE(valid_date(bad)) << bad;
  }
  for (const char* good : {"2024-01-01T00:00:00", "2024-01-01T23:59:60Z",
                           "2024-02-29T12:30:00-11:30", "2024-01-01T01:02:03.5Z"}) {
    EXPECT_TRUE(valid_datetime(good)) << good;
  }
  for (const char* bad :
       {"2024-01-01T24:00:00", "2024-01-01T23:60:00", "2024-01-01T23:59:61", "2024-01-01T2x:00:00",
        "2024-01-01T23-59:00", "2023-02-29T00:00:00", "2024-01-01T00:00:00.Z",
        "2024-01-01T00:00:00+2:00", "2024-01-01T00:00"}) {
    EXPECT_FALSE(valid_datetime(bad)) << bad;
  }
}

// parse_number as it was before its fast path for plain decimals: from_chars alone.
bool number_by_from_chars(std::string_view text, double& value) {
  if (text == "NaN" || text == "INF" || text == "-INF" || text == "+INF") return true;
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && !std::strchr(".-eE+", c)) return false;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

TEST(FieldCheck, NumbersParseExactlyAsFromChars) {
  std::mt19937_64 random(99);
  const std::string alphabet = "0123456789.-+eE";
  for (int round = 0; round < 400000; ++round) {
    std::string text;
    if (round % 2 == 0) {  // random decimals of 1 to 18 digits, the usual case
      if (random() % 4 == 0) text += '-';
      size_t integer_digits = 1 + random() % 9;
      size_t fraction_digits = random() % 10;
      for (size_t i = 0; i < integer_digits; ++i) text += char('0' + random() % 10);
      if (fraction_digits > 0) text += '.';
      for (size_t i = 0; i < fraction_digits; ++i) text += char('0' + random() % 10);
    } else {  // anything from the number alphabet
      size_t length = random() % 12;
      for (size_t i = 0; i < length; ++i) text += alphabet[random() % alphabet.size()];
    }
    ParsedCell parsed;
    double expected = 0;
    bool valid = number_by_from_chars(text, expected);
    ASSERT_EQ(parse_number(text, parsed), valid) << text;
    if (valid && parsed.has_number) {
      ASSERT_EQ(std::memcmp(&parsed.number, &expected, sizeof expected), 0) << text;
    }
  }
  ParsedCell parsed;
  ASSERT_TRUE(parse_number("-0.00", parsed));
  EXPECT_TRUE(std::signbit(parsed.number));
  ASSERT_TRUE(parse_number("123456789012345.6", parsed));  // 16 digits: from_chars decides
  EXPECT_EQ(parsed.number, 123456789012345.6);
  ASSERT_TRUE(parse_number("0.1", parsed));
  EXPECT_EQ(parsed.number, 0.1);
}

}  // namespace
}  // namespace gate::data
