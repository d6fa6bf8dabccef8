#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

// The Inventory page /ui/inventory: every dataset and model the log's decisions have seen, per
// repository, with the latest decision about each. Read from the signed statements alone
// (predicate.inventory, docs/attestation.md); the page never reads a repository.
namespace gate::server::web {

// One item of a statement's predicate.inventory, as the page shows it.
struct InventoryFacts {
  std::string kind;  // dataset or model
  std::string path;
  std::string change;
  std::string owners;  // joined with ", "
  std::string schema;
  std::string schema_sha256;
  std::string manifest;
  std::string manifest_sha256;
  std::string model_card;
  std::string model_card_sha256;
  std::string license;
  std::string lineage_source;
  std::string lineage_stage;
  std::string lineage_inputs;  // joined with ", "

  bool operator==(const InventoryFacts&) const = default;
};

// Bounds on what one statement may put in memory: items past the first kMaxFactsItems are
// ignored, each text is clipped to kMaxFactsText bytes and each list to kMaxFactsList names.
inline constexpr size_t kMaxFactsItems = 1000;
inline constexpr size_t kMaxFactsText = 1024;
inline constexpr size_t kMaxFactsList = 64;

// predicate.inventory read defensively: an item that is not an object, or lacks a string path
// or a kind of dataset or model, is skipped; a field of the wrong type reads as absent.
std::vector<InventoryFacts> inventory_from_predicate(const nlohmann::json& predicate);

// An item and the latest decision that named it.
struct InventoryRow {
  std::string repository;
  InventoryFacts item;  // as the latest decision recorded it
  uint64_t latest_seq = 0;
  int64_t latest_time = 0;
  std::string latest_verdict;
  uint64_t decisions = 0;  // how many decisions named it
};

struct InventoryFilter {
  std::string repository;  // empty: every repository
  std::string kind;        // empty, dataset or model
};

// The items of every decision folded in log order: a later decision replaces what an earlier
// one said of the same (repository, kind, path). At most kMaxRows items are kept; decisions
// naming more new ones are still counted for the items kept.
class InventoryIndex {
 public:
  static constexpr size_t kMaxRows = 200000;

  void add(uint64_t seq, int64_t time, const std::string& repository, const std::string& verdict,
           const std::vector<InventoryFacts>& items);
  // Sorted by repository, then path, then kind.
  std::vector<const InventoryRow*> rows(const InventoryFilter& filter) const;
  std::vector<std::string> repositories() const;  // sorted
  uint64_t dropped() const { return dropped_; }   // new items refused once kMaxRows was reached

 private:
  std::map<std::tuple<std::string, std::string, std::string>, InventoryRow> rows_;
  uint64_t dropped_ = 0;
};

// The filter from the query; throws ServiceError 400 for a kind other than dataset or model.
InventoryFilter read_inventory_filter(
    const std::function<std::optional<std::string>(const std::string&)>& param);

// The page body: the filter form, then a table per repository (at most kMaxShownRows rows in
// all, the rest counted).
inline constexpr size_t kMaxShownRows = 5000;
std::string inventory_body(const InventoryIndex& index, const InventoryFilter& filter);

}  // namespace gate::server::web
