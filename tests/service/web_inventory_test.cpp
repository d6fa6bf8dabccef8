// The Inventory page as plain C++: the items the fixture's statements name, the latest decision
// about each, the filters, escaping, and statements whose inventory is malformed or huge.
#include <gtest/gtest.h>

#include <algorithm>

#include "attest/keys.hpp"
#include "server/log_service.hpp"
#include "server/web/dashboard.hpp"
#include "server/web/inventory_page.hpp"
#include "tests/service/web_fixture.hpp"

namespace gate::server::test {
namespace {

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// The fixture's decisions folded as the service's cache folds them.
web::InventoryIndex fixture_index() {
  auto key = attest::PrivateKey::generate(attest::KeyType::ecdsa_p256);
  web::InventoryIndex index;
  auto decisions = web_decisions(1780000000);
  for (size_t i = 0; i < decisions.size(); ++i) {
    nlohmann::json line = {{"seq", i}, {"envelope", web_envelope(key, decisions[i])}};
    auto facts = web::facts_from_export_line(line);
    EXPECT_TRUE(facts.has_value()) << i;
    if (facts)
      index.add(facts->seq, facts->time, facts->repository, facts->verdict, facts->inventory);
  }
  return index;
}

// repository | path | kind | latest seq | verdict | decisions | licence
std::vector<std::string> rows_of(const web::InventoryIndex& index,
                                 const web::InventoryFilter& filter = {}) {
  std::vector<std::string> out;
  for (const auto* row : index.rows(filter)) {
    out.push_back(row->repository + " | " + row->item.path + " | " + row->item.kind + " | " +
                  std::to_string(row->latest_seq) + " | " + row->latest_verdict + " | " +
                  std::to_string(row->decisions) + " | " + row->item.license);
  }
  return out;
}

TEST(WebInventory, EveryItemOnceWithTheLatestDecisionAboutIt) {
  auto index = fixture_index();
  std::string hostile = kHostileRepository;
  EXPECT_EQ(rows_of(index),
            (std::vector<std::string>{
                hostile + " | data/<img src=x onerror=alert(1)>.csv | dataset | 5 | fail | 1 | ",
                "acme/app | data/users.csv | dataset | 1 | pass | 2 | CC-BY-4.0",
                "acme/app | models/ranker.onnx | model | 1 | pass | 1 | apache-2.0",
                "acme/lib | models/lib.safetensors | model | 3 | fail | 1 | mit",
            }));
  EXPECT_EQ(rows_of(index, {"acme/app", "model"}),
            (std::vector<std::string>{
                "acme/app | models/ranker.onnx | model | 1 | pass | 1 | apache-2.0"}));
  EXPECT_EQ(rows_of(index, {"", "dataset"}).size(), 2u);
  EXPECT_EQ(index.repositories(), (std::vector<std::string>{hostile, "acme/app", "acme/lib"}));
}

TEST(WebInventory, ThePageLinksTheLatestDecisionAndEscapesEveryText) {
  auto index = fixture_index();
  std::string body = web::inventory_body(index, {});
  EXPECT_FALSE(has(body, "<script>"));
  EXPECT_FALSE(has(body, "<img"));
  EXPECT_TRUE(has(body, "data/&lt;img src=x onerror=alert(1)&gt;.csv"));
  EXPECT_TRUE(has(body, "<p id=\"item-count\">4 items.</p>"));
  EXPECT_TRUE(has(body, "<tr data-kind=\"dataset\" data-path=\"data/users.csv\" data-seq=\"1\">"));
  EXPECT_TRUE(
      has(body, "<a href=\"/ui/entries/1\">1</a> <span class=\"verdict-pass\">pass</span>"));
  EXPECT_TRUE(has(body, "<code>data/users.schema.json</code> <small title=\"sha256:" +
                            std::string(64, 'e') + "\">sha256:eeeeeeeeeeee"));
  EXPECT_TRUE(has(body, "data/users.csv <small>(dvc.lock, stage train)</small>"));
  EXPECT_TRUE(has(body, "<code>models/README.md</code>"));
  EXPECT_TRUE(has(body, "<td class=\"time\">2026-03-01T12:00:00Z</td>"));
  EXPECT_TRUE(has(body, "<option value=\"acme/lib\">acme/lib</option>"));

  std::string filtered = web::inventory_body(index, {"acme/lib", ""});
  EXPECT_TRUE(has(filtered, "<option value=\"acme/lib\" selected>acme/lib</option>"));
  EXPECT_TRUE(has(filtered, "<p id=\"item-count\">1 items.</p>"));
  EXPECT_FALSE(has(filtered, "data/users.csv"));

  std::string none = web::inventory_body(web::InventoryIndex{}, {});
  EXPECT_TRUE(has(none, "No dataset or model matches."));
}

TEST(WebInventory, TheKindFilterAcceptsOnlyDatasetOrModel) {
  auto param = [](std::string kind) {
    return [kind](const std::string& name) -> std::optional<std::string> {
      if (name == "kind") return kind;
      if (name == "repository") return "acme/app";
      return std::nullopt;
    };
  };
  auto filter = web::read_inventory_filter(param("model"));
  EXPECT_EQ(filter.kind, "model");
  EXPECT_EQ(filter.repository, "acme/app");
  try {
    web::read_inventory_filter(param("<b>"));
    FAIL() << "a bad kind was accepted";
  } catch (const ServiceError& e) {
    EXPECT_EQ(e.status, 400);
    EXPECT_EQ(e.message, "'kind' must be dataset or model");
  }
}

TEST(WebInventory, MalformedItemsAreSkippedAndHugeOnesClipped) {
  EXPECT_TRUE(web::inventory_from_predicate({{"inventory", "not a list"}}).empty());
  EXPECT_TRUE(web::inventory_from_predicate(nlohmann::json::array()).empty());
  nlohmann::json items = nlohmann::json::array(
      {42,
       nlohmann::json::object(),
       {{"kind", "dataset"}},                          // no path
       {{"kind", "spreadsheet"}, {"path", "a.xlsx"}},  // not a kind Gate writes
       {{"kind", "model"}, {"path", 7}},               // path of the wrong type
       {{"kind", "model"},
        {"path", std::string(5000, 'p')},
        {"owners", nlohmann::json::array({"@a", 3, nullptr, "@b"})},
        {"schema", "not an object"},
        {"license", {{"nested", true}}},
        {"lineage", {{"inputs", "not a list"}, {"stage", 9}}}}});
  auto facts = web::inventory_from_predicate({{"inventory", items}});
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].path, std::string(web::kMaxFactsText, 'p'));
  EXPECT_EQ(facts[0].owners, "@a, @b");
  EXPECT_EQ(facts[0].schema, "");
  EXPECT_EQ(facts[0].license, "");
  EXPECT_EQ(facts[0].lineage_inputs, "");

  nlohmann::json many = nlohmann::json::array();
  nlohmann::json owners = nlohmann::json::array();
  for (int i = 0; i < 500; ++i) owners.push_back("@o" + std::to_string(i));
  for (int i = 0; i < 5000; ++i) {
    many.push_back({{"kind", "dataset"}, {"path", "d/" + std::to_string(i)}, {"owners", owners}});
  }
  facts = web::inventory_from_predicate({{"inventory", many}});
  ASSERT_EQ(facts.size(), web::kMaxFactsItems);
  EXPECT_EQ(std::count(facts[0].owners.begin(), facts[0].owners.end(), '@'),
            static_cast<long>(web::kMaxFactsList));
  EXPECT_TRUE(facts[0].owners.size() < 64 * 8);
}

TEST(WebInventory, TheIndexStopsGrowingAtItsBoundAndCountsWhatItRefused) {
  web::InventoryIndex index;
  std::vector<web::InventoryFacts> batch(1000);
  for (size_t round = 0; round * 1000 < web::InventoryIndex::kMaxRows + 1000; ++round) {
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i].kind = "dataset";
      batch[i].path = std::to_string(round) + "/" + std::to_string(i);
    }
    index.add(round, 0, "r", "pass", batch);
  }
  EXPECT_EQ(index.rows({}).size(), web::InventoryIndex::kMaxRows);
  EXPECT_EQ(index.dropped(), 1000u);
  // An item already kept is still brought up to date, once however often a statement names it.
  batch.assign(3, {});
  for (auto& item : batch) {
    item.kind = "dataset";
    item.path = "0/0";
    item.license = "later";
  }
  index.add(999999, 5, "r", "fail", batch);
  auto rows = index.rows({"r", "dataset"});
  EXPECT_EQ(rows.front()->item.license, "later");
  EXPECT_EQ(rows.front()->latest_seq, 999999u);
  EXPECT_EQ(rows.front()->decisions, 2u);
}

}  // namespace
}  // namespace gate::server::test
