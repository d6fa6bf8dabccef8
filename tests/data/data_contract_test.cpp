#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gate/types/errors.hpp"
#include "rules/data/schema_diff.hpp"
#include "rules/data/table_schema.hpp"
#include "tests/data/harness.hpp"

namespace gate::test {
namespace {

using Strings = std::vector<std::string>;
using nlohmann::json;

// A data-contract change: `path` goes from `before` (merge base) to `after` (head), with a
// CODEOWNERS in the base revision that gives data/ to @data-team.
class Contract {
 public:
  Contract() {
    h.change_set.head = "headcommit";
    h.blobs.put(Tree::base, ".github/CODEOWNERS", "data/ @acme/data-team\n");
    h.policy.teams["@acme/data-team"] = {"dana"};
  }
  void modify(const std::string& path, const std::string& before, const std::string& after) {
    h.blobs.put(Tree::merge_base, path, before);
    FileChange file;
    file.status = after.empty() ? ChangeStatus::deleted : ChangeStatus::modified;
    file.path = path;
    file.old_kind = EntryKind::file;
    file.new_kind = after.empty() ? EntryKind::none : EntryKind::file;
    file.assets = {"data"};
    if (!after.empty()) h.blobs.put(Tree::head, path, after);
    h.change_set.files.push_back(file);
  }
  void approve(const std::string& who) {
    h.evidence.approvals_provided = true;
    h.evidence.approvals.push_back({who, "approved", "headcommit", 0});
  }
  Strings findings(const std::string& yaml = "{}") { return h.findings("data-contract", yaml); }

  DataHarness h;
};

std::string table(const std::string& version, const std::string& fields) {
  return R"({"name": "users", "version": ")" + version + R"(", "resources": [{"name": "users",
  "path": "users.csv", "schema": {"fields": [)" +
         fields + "]}}]}";
}

const char* kIdAndEmail = R"({"name": "id", "type": "integer"},
  {"name": "email", "type": "string"})";

TEST(DataContract, AddingAnOptionalFieldAndReorderingIsCompatible) {
  Contract c;
  c.modify("data/datapackage.json", table("1.0.0", kIdAndEmail),
           table("1.0.0", R"({"name": "email", "type": "string", "description": "contact"},
  {"name": "id", "type": "integer"}, {"name": "plan", "type": "string"})"));
  EXPECT_EQ(c.findings(), Strings{});
  EXPECT_FALSE(c.h.run("data-contract").skipped);
}

TEST(DataContract, RemovedFieldBlocksWithoutBumpAndOwnerApproval) {
  Contract c;
  c.modify("data/datapackage.json", table("1.2.0", kIdAndEmail),
           table("1.3.0", R"({"name": "id", "type": "integer"})"));
  EXPECT_EQ(
      c.findings(),
      (Strings{"error data/datapackage.json:0: breaking change to the data contract (full "
               "compatibility): resource 'users' field 'email': removed; needs a major "
               "version bump (version 1.2.0 -> 1.3.0) and approval from @acme/data-team (none "
               "yet) [no approvals were given: pass --approvals FILE]"}));
}

TEST(DataContract, BreakingChangeWithMajorBumpAndOwnerApprovalIsAcceptedAsANotice) {
  Contract c;
  c.modify("data/datapackage.json", table("1.2.0", kIdAndEmail),
           table("2.0.0", R"({"name": "id", "type": "integer"})"));
  c.approve("dana");
  EXPECT_EQ(c.findings(),
            (Strings{"notice data/datapackage.json:0: breaking change to the data contract (full "
                     "compatibility): resource 'users' field 'email': removed; accepted: version "
                     "1.2.0 -> 2.0.0, approved by the owners"}));
}

TEST(DataContract, BumpAloneIsNotEnoughAndAnApprovalByANonOwnerDoesNotCount) {
  Contract c;
  c.modify(
      "data/datapackage.json", table("0.4.1", kIdAndEmail),
      table("0.5.0", R"({"name": "id", "type": "string"}, {"name": "email", "type": "string"})"));
  c.approve("mallory");
  EXPECT_EQ(c.findings(),
            (Strings{"error data/datapackage.json:2: breaking change to the data contract (full "
                     "compatibility): resource 'users' field 'id': type integer -> string "
                     "(widened); needs approval from @acme/data-team (none yet)"}));
}

TEST(DataContract, ModesDecideWhichDirectionBreaks) {
  // Tightening maxLength breaks old data (backward) but not old consumers (forward).
  auto run = [](const std::string& yaml) {
    Contract c;
    c.modify(
        "data/users.schema.json",
        R"({"fields": [{"name": "name", "type": "string", "constraints": {"maxLength": 40}}]})",
        R"({"fields": [{"name": "name", "type": "string", "constraints": {"maxLength": 20}}]})");
    return c.findings(yaml).size();
  };
  EXPECT_EQ(run("{compatibility: full}"), 1u);
  EXPECT_EQ(run("{compatibility: backward}"), 1u);
  EXPECT_EQ(run("{compatibility: forward}"), 0u);
  EXPECT_EQ(run("{compatibility: none}"), 0u);
  EXPECT_EQ(run("{compatibility: forward, datasets: [{paths: ['data/**'], compatibility: "
                "backward}]}"),
            1u);
}

TEST(DataContract, DeletedSchemaIsBreaking) {
  Contract c;
  c.modify("data/users.schema.json", R"({"fields": [{"name": "id"}]})", "");
  EXPECT_EQ(c.findings("{require-approval: false}"),
            (Strings{"error data/users.schema.json:0: breaking change to the data contract (full "
                     "compatibility): contract: deleted; needs a major version bump (version none "
                     "-> none)"}));
}

TEST(DataContract, SchemaByPathIsReadFromEachSideOfTheChange) {
  Contract c;
  const char* package =
      R"({"version": "1.0.0", "resources": [{"name": "u", "path": "u.csv", "schema": "u.json"}]})";
  c.h.blobs.put(Tree::merge_base, "data/u.json", R"({"fields": [{"name": "id"}]})");
  c.h.blobs.put(Tree::head, "data/u.json", R"({"fields": [{"name": "uid"}]})");
  c.modify("data/datapackage.json", package, package);
  EXPECT_EQ(c.findings("{require-approval: false, require-version-bump: false}"),
            (Strings{"notice data/datapackage.json:0: breaking change to the data contract (full "
                     "compatibility): resource 'u' field 'id': renamed to 'uid'; accepted: "}));
}

TEST(DataContract, UnreadableHeadSchemaIsAnErrorNotASilentPass) {
  Contract c;
  c.modify("data/users.schema.json", R"({"fields": [{"name": "id"}]})", R"({"fields": [)");
  Strings found = c.findings();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rfind("error data/users.schema.json:0: cannot compare the data contract with "
                           "the merge base: invalid JSON",
                           0),
            0u);
  Contract twice;
  twice.modify("data/users.schema.json", R"({"fields": [{"name": "id"}]})",
               R"({"fields": [{"name": "id"}, {"name": "id"}]})");
  EXPECT_EQ(twice.findings(), (Strings{"error data/users.schema.json:0: cannot compare the data "
                                       "contract with the merge base: the new schema names field "
                                       "'id' twice"}));
}

TEST(DataContract, BadParametersNameTheirLine) {
  Contract c;
  try {
    c.h.run("data-contract", "compatibility: sideways\n");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("policy.yaml:1:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'sideways' is not a compatibility mode"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(c.h.run("data-contract", "datasets: [{paths: ['a/**']}]\n"), InputError);
  EXPECT_THROW(c.h.run("data-contract", "approvals: 0\n"), InputError);
}

Strings describe(const std::vector<data::SchemaChange>& changes) {
  Strings out;
  for (const auto& change : changes) {
    out.push_back(change.describe() + " [" + (change.breaks_backward ? "B" : "-") +
                  (change.breaks_forward ? "F" : "-") + "]");
  }
  return out;
}

TEST(SchemaDiff, TableSchemaTypesConstraintsAndKeys) {
  json before = json::parse(R"({"fields": [
    {"name": "a", "type": "integer"}, {"name": "b", "type": "number"},
    {"name": "c", "type": "date"}, {"name": "d", "type": "string",
      "constraints": {"enum": ["x", "y"], "required": true, "minimum": 1}},
    {"name": "e", "type": "string"}],
    "primaryKey": "a", "missingValues": ["", "NA"],
    "foreignKeys": [{"fields": "e", "reference": {"resource": "r", "fields": "id"}}]})");
  json after = json::parse(R"({"fields": [
    {"name": "a", "type": "number"}, {"name": "b", "type": "integer"},
    {"name": "c", "type": "integer"}, {"name": "d", "type": "string",
      "constraints": {"enum": ["x", "z"], "minimum": 3}},
    {"name": "e", "type": "string"}, {"name": "f", "type": "year",
      "constraints": {"required": true}}],
    "primaryKey": ["a", "b"], "missingValues": [""],
    "foreignKeys": [{"fields": ["e"], "reference": {"resource": "s", "fields": "id"}}]})");
  EXPECT_EQ(
      describe(data::diff_table_schemas(before, after)),
      (Strings{
          "field 'a': type integer -> number (widened) [-F]",
          "field 'b': type number -> integer (narrowed) [B-]",
          "field 'c': type date -> integer [BF]", "field 'd': no longer required (loosened) [-F]",
          "field 'd': minimum 1 -> 3 (tightened) [B-]",
          "field 'd': enum values removed: 'y' (tightened) [B-]",
          "field 'd': enum values added: 'z' (loosened) [-F]", "field 'f': added as required [B-]",
          "missingValues: markers values removed: 'NA' (tightened) [B-]",
          "primary key: [\"a\"] -> [\"a\",\"b\"] [BF]",
          "foreign key [\"e\"]: reference {\"fields\":\"id\",\"resource\":\"r\"} -> "
          "{\"fields\":\"id\",\"resource\":\"s\"} [BF]"}));
  EXPECT_EQ(data::diff_table_schemas(before, before).size(), 0u);
}

TEST(SchemaDiff, JsonSchemaOfRecords) {
  json before = json::parse(R"({"type": "object", "required": ["id"], "properties": {
    "id": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}},
    "user": {"type": "object", "properties": {"email": {"type": "string"}}}}})");
  json after = json::parse(R"({"type": "object", "required": ["id", "kind"],
    "additionalProperties": false, "properties": {
    "id": {"type": ["number", "null"]}, "tags": {"type": "array", "items": {"type": "string",
    "maxLength": 8}}, "user": {"type": "object", "properties": {}}, "kind": {"const": "a"}}})");
  EXPECT_EQ(
      describe(data::diff_json_schemas(before, after)),
      (Strings{"property 'id': type integer -> null|number (widened) [-F]",
               "property 'tags[]': maxLength 8 added (tightened) [B-]",
               "property 'user.email': removed [-F]", "property 'kind': added as required [B-]",
               "records: additional properties no longer allowed (tightened) [B-]"}));
}

TEST(SchemaDiff, KindChangeAndHostileShapes) {
  json table = json::parse(R"({"fields": []})");
  json schema = json::parse(R"({"type": "object"})");
  EXPECT_EQ(describe(data::diff_schemas(table, schema)),
            (Strings{"schema: kind changed between Table Schema and JSON Schema [BF]"}));
  EXPECT_THROW(data::diff_schemas(json::parse("[1]"), table), data::SchemaError);
  EXPECT_THROW(data::diff_table_schemas(json::parse(R"({"fields": 7})"), table), data::SchemaError);
  EXPECT_THROW(data::diff_table_schemas(json::parse(R"({"fields": [{"type": "x"}]})"), table),
               data::SchemaError);
  // Nesting beyond the reader's bound is refused before any walk.
  std::string deep(5000, '[');
  EXPECT_THROW(data::parse_bounded_json(deep), data::SchemaError);
}

}  // namespace
}  // namespace gate::test
