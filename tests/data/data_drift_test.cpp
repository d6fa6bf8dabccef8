#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gate/types/errors.hpp"
#include "rules/data/data_profile.hpp"
#include "tests/data/harness.hpp"

namespace gate::test {
namespace {

using Strings = std::vector<std::string>;
using ::testing::HasSubstr;

// A table of `rows` rows: age (a number from `age`), plan (a category from `plan`), note (empty
// where `note_missing` says so).
template <typename Age, typename Plan, typename Missing>
std::string table(size_t rows, Age age, Plan plan, Missing note_missing) {
  std::string out = "age,plan,note\n";
  for (size_t i = 0; i < rows; ++i) {
    out += std::to_string(age(i)) + "," + plan(i) + "," + (note_missing(i) ? "" : "ok") + "\n";
  }
  return out;
}

auto steady_age = [](size_t i) { return 20 + static_cast<int>(i % 50); };
auto two_plans = [](size_t i) { return std::string(i % 2 ? "gold" : "free"); };
auto never = [](size_t) { return false; };

class Drift {
 public:
  void modify(const std::string& path, const std::string& before, const std::string& after) {
    h.blobs.put(Tree::merge_base, path, before);
    h.blobs.put(Tree::head, path, after);
    FileChange file;
    file.status = ChangeStatus::modified;
    file.path = path;
    file.old_kind = file.new_kind = EntryKind::file;
    file.assets = {"data"};
    h.change_set.files.push_back(file);
  }
  Strings findings(const std::string& yaml = "{}") { return h.findings("data-drift", yaml); }
  DataHarness h;
};

TEST(DataDrift, SameDistributionInAnotherOrderPassesAndIsRecorded) {
  Drift d;
  d.modify("data/users.csv", table(1000, steady_age, two_plans, never),
           table(
               1000, [](size_t i) { return steady_age(999 - i); }, two_plans, never));
  RuleResult result = d.h.run("data-drift", "{max-row-change: 0.1}");
  EXPECT_TRUE(result.findings.empty());
  auto record = nlohmann::json::parse(result.record);
  ASSERT_EQ(record["profiles"].size(), 1u);
  const auto& profile = record["profiles"][0];
  EXPECT_EQ(profile["path"], "data/users.csv");
  EXPECT_EQ(profile["base"]["rows"], 1000);
  EXPECT_EQ(profile["head"]["columns"][0]["name"], "age");
  EXPECT_EQ(profile["head"]["columns"][0]["numeric"]["min"], 20.0);
  EXPECT_EQ(profile["head"]["columns"][0]["numeric"]["max"], 69.0);
  EXPECT_EQ(profile["head"]["columns"][0]["distinct"], 50);
  EXPECT_LT(profile["population_stability"]["age"].get<double>(), 0.01);
  // Category values never reach the signed record, only their shares.
  EXPECT_EQ(result.record.find("gold"), std::string::npos);
  EXPECT_EQ(profile["head"]["columns"][1]["categories"]["top_shares"][0], 0.5);
}

TEST(DataDrift, ShiftedNumbersCrossTheStabilityLimit) {
  Drift d;
  d.modify("data/users.csv", table(1000, steady_age, two_plans, never),
           table(
               1000, [](size_t i) { return steady_age(i) + 30; }, two_plans, never));
  Strings found = d.findings();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_THAT(found[0], HasSubstr("error data/users.csv:0: column 'age': population stability "
                                  "index "));
  EXPECT_THAT(found[0], HasSubstr(" over the limit of 0.250 (median 44.5 -> 74.5)"));
  EXPECT_EQ(d.findings("{max-psi: 100}"), Strings{});
}

TEST(DataDrift, CategoriesNullsAndRowCount) {
  Drift d;
  d.modify("data/users.csv", table(1000, steady_age, two_plans, never),
           table(
               500, steady_age, [](size_t i) { return std::string(i % 10 ? "trial" : "free"); },
               [](size_t i) { return i % 4 == 0; }));
  Strings found = d.findings("{max-row-change: 0.3}");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0],
            "error data/users.csv:0: column 'note': null rate 0.0% -> 25.0% (+25.0 points), over "
            "the limit of 10.0 points");
  EXPECT_THAT(found[1], HasSubstr("column 'plan': population stability index "));
  EXPECT_THAT(found[1], HasSubstr("(2 -> 2 categories)"));
  EXPECT_EQ(found[2],
            "error data/users.csv:0: row count 1000 -> 500 (-50.0%), over the limit of 30.0%");
}

TEST(DataDrift, SmallTablesAreNotJudgedOnStabilityButNullsStillCount) {
  Drift d;
  d.modify("data/tiny.csv", table(20, steady_age, two_plans, never),
           table(
               20, [](size_t i) { return steady_age(i) + 100; }, two_plans, never));
  EXPECT_EQ(d.findings(), Strings{});
  EXPECT_EQ(d.findings("{min-values: 10}").size(), 1u);
}

TEST(DataDrift, OnlyModifiedTablesInScopeAreProfiled) {
  Drift d;
  d.h.change("data/new.csv", table(500, steady_age, two_plans, never));
  RuleResult result = d.h.run("data-drift");
  EXPECT_TRUE(result.findings.empty());
  ASSERT_TRUE(result.skipped);
  EXPECT_TRUE(result.record.empty());
}

TEST(DataDrift, BadThresholdsNameTheirKey) {
  Drift d;
  try {
    d.h.run("data-drift", "max-psi: -1\n");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("policy.yaml:1:"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("must be a number of 0 or more"));
  }
  EXPECT_THROW(d.h.run("data-drift", "min-values: 0\n"), InputError);
  EXPECT_THROW(d.h.run("data-drift", "max-psy: 1\n"), InputError);
}

TEST(DataProfile, DistinctCountIsCloseAndSamplesAreDeterministic) {
  data::DistinctCounter counter;
  for (int i = 0; i < 20000; ++i) counter.add(data::hash_value("user-" + std::to_string(i)));
  EXPECT_NEAR(static_cast<double>(counter.estimate()), 20000.0, 20000.0 * 0.05);
  data::NumberSample a;
  data::NumberSample b;
  for (int i = 0; i < 100000; ++i) {
    a.add(i);
    b.add(i);
  }
  EXPECT_EQ(a.values(), b.values());
  EXPECT_EQ(a.values().size(), data::NumberSample::kCapacity);
  EXPECT_NEAR(a.quantile(0.5), 50000.0, 3000.0);  // a uniform sample, not the first 4096
}

TEST(DataProfile, ByteOrderMarkShortRowsAndHostileBytes) {
  using namespace std::string_literals;
  auto stream = stream_over("\xEF\xBB\xBFid,name\n1\n2,\"unterminated\n\0\xff,x\n"s);
  data::TableProfile profile = data::profile_table(*stream, {});
  ASSERT_EQ(profile.columns.size(), 2u);
  EXPECT_EQ(profile.columns[0].name, "id");
  EXPECT_GE(profile.rows, 2u);
  EXPECT_EQ(profile.columns[1].nulls + profile.columns[1].values + profile.unreadable,
            profile.rows);
  auto empty = stream_over("");
  EXPECT_EQ(data::profile_table(*empty, {}).columns.size(), 0u);
}

TEST(DataProfile, ColumnNameThatIsNotUtf8IsRecordedWithReplacementCharacter) {
  auto stream = stream_over("id,na\xffme\n1,a\n2,b\n");
  data::TableProfile profile = data::profile_table(*stream, {});
  ASSERT_EQ(profile.columns.size(), 2u);
  nlohmann::json record = nlohmann::json::parse(profile.to_json());
  EXPECT_EQ(record["columns"][1]["name"], "na\xEF\xBF\xBDme");
}

}  // namespace
}  // namespace gate::test
