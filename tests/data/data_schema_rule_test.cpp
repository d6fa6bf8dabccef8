#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gate/types/errors.hpp"
#include "rules/data/table_schema.hpp"
#include "rules/data/table_validator.hpp"
#include "tests/data/harness.hpp"

namespace gate::test {
namespace {

using Strings = std::vector<std::string>;

const char* kUsersSchema = R"({
  "fields": [
    {"name": "id", "type": "integer", "constraints": {"minimum": 1}},
    {"name": "email", "type": "string", "constraints": {"required": true, "unique": true}},
    {"name": "plan", "constraints": {"enum": ["free", "pro"]}},
    {"name": "code", "constraints": {"pattern": "[A-Z]{3}", "minLength": 3, "maxLength": 3}},
    {"name": "joined", "type": "date", "constraints": {"maximum": "2030-12-31"}}
  ],
  "primaryKey": "id",
  "missingValues": ["", "NA"]
})";

TEST(DataSchemaRule, ValidFilePassesWithSchemaBeside) {
  DataHarness h;
  h.head_only("data/users.schema.json", kUsersSchema);
  h.change("data/users.csv",
           "id,email,plan,code,joined\n1,a@x.org,free,ABC,2024-01-02\n2,b@x.org,pro,NA,NA\n");
  RuleResult result = h.run("data-schema");
  EXPECT_EQ(result.findings.size(), 0u);
  EXPECT_FALSE(result.skipped);
}

TEST(DataSchemaRule, EveryConstraintReportsRowColumnAndField) {
  DataHarness h;
  h.head_only("data/users.schema.json", kUsersSchema);
  h.change("data/users.csv",
           "id,email,plan,code,joined\n"
           "1,a@x.org,free,ABC,2024-01-02\n"
           "0,a@x.org,gold,abcd,2031-01-01\n"
           "x,,free,ABC,2024-02-30\n"
           "1,c@x.org,pro,ABC\n");
  EXPECT_EQ(
      h.findings("data-schema"),
      (Strings{
          "error data/users.csv:3: row 3, column 1 (field 'id'): '0' is below the minimum 1",
          "error data/users.csv:3: row 3, column 2 (field 'email'): 'a@x.org' repeats the "
          "value of row 2 (unique)",
          "error data/users.csv:3: row 3, column 3 (field 'plan'): 'gold' is not one of the "
          "enum values",
          "error data/users.csv:3: row 3, column 4 (field 'code'): 'abcd' does not match "
          "pattern '[A-Z]{3}'",
          "error data/users.csv:3: row 3, column 4 (field 'code'): length 4 is above "
          "maxLength 3",
          "error data/users.csv:3: row 3, column 5 (field 'joined'): '2031-01-01' is after "
          "the maximum 2030-12-31",
          "error data/users.csv:4: row 4, column 1 (field 'id'): 'x' is not a valid integer",
          "error data/users.csv:4: row 4, column 2 (field 'email'): required value is missing",
          "error data/users.csv:4: row 4, column 5 (field 'joined'): '2024-02-30' is not a "
          "valid date",
          "error data/users.csv:5: row 5: primary key (id) repeats row 2",
          "error data/users.csv:5: row 5: row has 4 values but the schema has 5 fields",
      }));
}

TEST(DataSchemaRule, HeaderMustMatchFields) {
  DataHarness h;
  h.head_only("data/t.schema.json", R"({"fields": [{"name": "a"}, {"name": "b"}]})");
  h.change("data/t.csv", "a,c,d\n1,2\n");
  EXPECT_EQ(
      h.findings("data-schema"),
      (Strings{"error data/t.csv:1: row 1, column 2 (field 'b'): header 'c' does not match "
               "field 'b'",
               "error data/t.csv:1: row 1: header has 3 columns but the schema has 2 fields"}));
}

TEST(DataSchemaRule, DataPackageResourceWithDialectAndJsonLines) {
  DataHarness h;
  h.head_only("data/datapackage.json", R"({
    "name": "shop",
    "resources": [
      {"name": "orders", "path": "orders/orders.csv", "dialect": {"delimiter": ";"},
       "schema": {"fields": [{"name": "n", "type": "integer"}, {"name": "ok", "type": "boolean"}]}},
      {"name": "events", "path": "events.jsonl", "schema": "events.schema.json"}
    ]
  })");
  h.head_only("data/events.schema.json",
              R"({"fields": [{"name": "at", "type": "datetime", "constraints": {"required": true}},
                             {"name": "n", "type": "number"}]})");
  h.change("data/orders/orders.csv", "n;ok\n1;true\n2.5;maybe\n");
  h.change("data/events.jsonl",
           "{\"at\": \"2024-01-01T00:00:00Z\", \"n\": 1.5}\n{\"n\": \"x\"}\nnot json\n");
  EXPECT_EQ(
      h.findings("data-schema"),
      (Strings{
          "error data/events.jsonl:2: row 2, column 1 (field 'at'): required value is missing",
          "error data/events.jsonl:2: row 2, column 2 (field 'n'): 'x' is not a valid number",
          "error data/events.jsonl:3: row 3: invalid JSON at byte 2",
          "error data/orders/orders.csv:3: row 3, column 1 (field 'n'): '2.5' is not a valid "
          "integer",
          "error data/orders/orders.csv:3: row 3, column 2 (field 'ok'): 'maybe' is not a "
          "valid boolean",
      }));
}

TEST(DataSchemaRule, FindingsStopAtTheLimitWithACount) {
  DataHarness h;
  h.head_only("s.json", R"({"fields": [{"name": "n", "type": "integer"}]})");
  std::string csv = "n\n";
  for (int i = 0; i < 30; ++i) csv += "bad\n";
  h.change("data/n.csv", csv);
  auto findings = h.findings("data-schema", "{schema: s.json, max-findings: 3}");
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ(findings[0],
            "error data/n.csv:0: 27 more schema violations in this file not listed "
            "(max-findings: 3)");
  EXPECT_EQ(findings[1],
            "error data/n.csv:2: row 2, column 1 (field 'n'): 'bad' is not a valid "
            "integer");
}

TEST(DataSchemaRule, UniqueBoundIsReported) {
  DataHarness h;
  h.head_only("data/k.schema.json",
              R"({"fields": [{"name": "k", "constraints": {"unique": true}}]})");
  h.change("data/k.csv", "k\na\nb\nc\nd\na\n");
  EXPECT_EQ(h.findings("data-schema", "{max-unique-keys: 2}"),
            (Strings{"notice data/k.csv:0: unique check of field 'k' is incomplete: only the "
                     "first 2 distinct values were kept (max-unique-keys)",
                     "error data/k.csv:6: row 6, column 1 (field 'k'): 'a' repeats the value of "
                     "row 2 (unique)"}));
}

TEST(DataSchemaRule, BrokenSchemaIsAFindingOnTheSchema) {
  DataHarness h;
  h.head_only("data/a.schema.json", R"({"fields": [{"name": "x", "type": "money"}]})");
  h.change("data/a.csv", "x\n1\n");
  h.change("data/b.csv", "x\n1\n");
  h.head_only("data/b.schema.json", "{\"fields\": [");
  auto findings = h.findings("data-schema");
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0],
            "error data/a.schema.json:0: unusable Table Schema: field 'x': unknown "
            "type 'money'");
  EXPECT_THAT(findings[1], ::testing::StartsWith("error data/b.schema.json:0: unusable Table "
                                                 "Schema: invalid JSON"));
}

TEST(DataSchemaRule, FilesWithoutSchemaAreSkippedUnlessRequired) {
  DataHarness h;
  h.change("data/free.csv", "a\n1\n");
  EXPECT_EQ(h.findings("data-schema"), Strings{});
  EXPECT_EQ(h.findings("data-schema", "{require-schema: true}"),
            (Strings{"error data/free.csv:0: no Table Schema describes this file (add a "
                     "datapackage.json resource or data/free.csv.schema.json)"}));
  DataHarness none;
  none.change("src/a.py", "x = 1\n");
  EXPECT_EQ(*none.run("data-schema").skipped, "no CSV, TSV or JSON Lines file in scope");
}

TEST(DataSchemaRule, FormatsGateDoesNotReadAreSaidNeverPassedInSilence) {
  const std::string schema = R"({"fields": [{"name": "id", "type": "integer"}]})";
  DataHarness h;
  h.head_only("data/datapackage.json", R"({"resources": [
    {"name": "sheet", "path": "sheet.xlsx", "schema": {"fields": [{"name": "id"}]}},
    {"name": "cols", "path": "cols.bin", "format": "parquet"}]})");
  h.change("data/sheet.xlsx", "PK\x03\x04 not read\n");
  h.change("data/cols.bin", "PAR1 not read\n");
  h.head_only("data/beside.parquet.schema.json", schema);
  h.change("data/beside.parquet", "PAR1\n");
  h.change("data/loose.xls", "\xD0\xCF\x11\xE0\n");
  h.change("data/notes.json", "{}\n");
  const std::string unread =
      "' resources: the rows of this file are not checked against its schema (convert it to "
      "CSV, TSV or JSON Lines to have it checked)";
  EXPECT_EQ(h.findings("data-schema"),
            (Strings{"notice data/beside.parquet:0: Gate does not read 'parquet" + unread,
                     "notice data/cols.bin:0: Gate does not read 'parquet" + unread,
                     "notice data/sheet.xlsx:0: Gate does not read 'xlsx" + unread}));
  // Under require-schema every table Gate cannot check is an error, declared or not; a JSON file
  // nothing declares is not taken for a table.
  EXPECT_EQ(h.findings("data-schema", "{require-schema: true}"),
            (Strings{"error data/beside.parquet:0: Gate does not read 'parquet" + unread,
                     "error data/cols.bin:0: Gate does not read 'parquet" + unread,
                     "error data/loose.xls:0: Gate does not read 'xls' files and no schema "
                     "describes this one: its rows are not checked (convert it to CSV, TSV or "
                     "JSON Lines to have it checked)",
                     "error data/sheet.xlsx:0: Gate does not read 'xlsx" + unread}));
}

TEST(DataSchemaRule, DeclaredJsonTablesAreReadAsArraysOfRows) {
  DataHarness h;
  h.head_only("data/datapackage.json", R"({"resources": [
    {"name": "a", "path": "arrays.json", "schema": "s.schema.json"},
    {"name": "o", "path": "objects.json", "schema": "s.schema.json"},
    {"name": "b", "path": "broken.json", "schema": "s.schema.json"},
    {"name": "n", "path": "nested.json", "format": "json", "schema": "s.schema.json"}]})");
  h.head_only("data/s.schema.json", R"({"fields": [
    {"name": "id", "type": "integer", "constraints": {"minimum": 5}},
    {"name": "name", "type": "string", "constraints": {"required": true}}]})");
  h.change("data/arrays.json", "[\n  [\"id\", \"name\"],\n  [5, \"english\"],\n  [2, null]\n]\n");
  h.change("data/objects.json", R"([{"id": 7, "name": "a"}, {"id": "x", "name": "b"}, 3])");
  h.change("data/broken.json", "[[\"id\", \"name\"], [1, \"a\"]");
  h.change("data/nested.json", R"({"rows": []})");
  EXPECT_EQ(
      h.findings("data-schema"),
      (Strings{"error data/arrays.json:0: row 3, column 1 (field 'id'): '2' is below the minimum 5",
               "error data/arrays.json:0: row 3, column 2 (field 'name'): required value is "
               "missing",
               "error data/broken.json:0: cannot read the JSON table: invalid JSON at byte 26",
               "error data/nested.json:0: cannot read the JSON table: an object, not an array of "
               "rows",
               "error data/objects.json:0: row 3, column 1 (field 'id'): 'x' is not a valid "
               "integer",
               "error data/objects.json:0: row 4: a number, not an object"}));
}

TEST(DataSchemaRule, ForeignKeysIntoJsonTablesAreSaidToBeUnchecked) {
  DataHarness h;
  h.head_only("data/datapackage.json", R"({"resources": [
    {"name": "people", "path": "people.json",
     "schema": {"fields": [{"name": "id", "type": "integer"}]}},
    {"name": "orders", "path": "orders.csv",
     "schema": {"fields": [{"name": "who", "type": "integer"}],
                "foreignKeys": [{"fields": "who", "reference": {"resource": "people",
                                                                "fields": "id"}}]}}]})");
  h.head_only("data/people.json", "[[\"id\"], [1]]");
  h.change("data/orders.csv", "who\n2\n");
  EXPECT_EQ(h.findings("data-schema"),
            (Strings{"notice data/orders.csv:0: foreign key (who) to resource 'people' is not "
                     "checked: keys are not read from JSON tables"}));
}

TEST(DataSchemaRule, SchemaNamedByTheRuleMustExist) {
  DataHarness h;
  h.change("data/a.csv", "x\n1\n");
  EXPECT_THROW(h.run("data-schema", "{schema: nope.json}"), RuleError);
  EXPECT_THROW(h.run("data-schema", "{schema: ../x.json}"), InputError);
  EXPECT_THROW(h.run("data-schema", "{max-findings: 0}"), InputError);
  EXPECT_THROW(h.run("data-schema", "{shema: a.json}"), InputError);
}

TEST(DataSchemaValidator, LongStreamsKeepOnlyTheFindingBudget) {
  // A generated 16 MB table with a violation on every row: the validator keeps max_findings
  // violations and counts the rest (constant memory whatever the length).
  data::TableSchema schema = data::parse_table_schema_text(
      R"({"fields": [{"name": "s", "constraints": {"maxLength": 5}}]})");
  const std::string row = std::string(63, 'x') + "\n";
  GeneratedStream stream("s\n", row, 2 + (16ULL << 20));
  data::ValidationLimits limits;
  limits.max_findings = 10;
  auto result = data::validate_table(stream, data::TableFormat::csv, schema, limits);
  EXPECT_EQ(result.violations.size(), 10u);
  EXPECT_EQ(result.rows, (16ULL << 20) / 64);
  EXPECT_EQ(result.suppressed, result.rows - 10);
}

TEST(DataSchemaValidator, LengthsCountCodePointsEvenOfInvalidUtf8) {
  // Continuation bytes alone count as no code point: eight of them are below minLength 1, and
  // the cell is reported for its bytes as well as its length.
  data::TableSchema schema = data::parse_table_schema_text(R"({"fields": [
      {"name": "s", "constraints": {"minLength": 1}},
      {"name": "t", "constraints": {"maxLength": 3}}]})");
  auto stream = stream_over("s,t\n" + std::string(8, '\x80') + ",\xc3\xa9\xc3\xa9\xc3\xa9\n");
  auto result = data::validate_table(*stream, data::TableFormat::csv, schema, {});
  std::vector<std::string> messages;
  for (const auto& v : result.violations) messages.push_back(v.message);
  EXPECT_EQ(messages, (Strings{"row 2, column 1 (field 's'): invalid UTF-8",
                               "row 2, column 1 (field 's'): length 0 is below minLength 1"}));
}

}  // namespace
}  // namespace gate::test
