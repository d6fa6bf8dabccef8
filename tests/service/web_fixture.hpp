#pragma once

// Decisions for the auditor's pages: failing rules, waivers (one expiring soon, one later, one
// expired), pull requests that fail then pass, a blocked change and a hostile repository name.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "attest/dsse.hpp"
#include "attest/keys.hpp"
#include "attest/statement.hpp"
#include "tests/attest/fixtures.hpp"

namespace gate::server::test {

constexpr const char* kHostileRepository = "acme/<script>alert(1)</script>";

struct WebDecision {
  std::string repository;
  std::string change_id;  // pull request number, empty: none
  std::string verdict;
  std::vector<std::string> failed_rules;
  std::string time;
  std::string actor = "alice";
  nlohmann::json waivers = nlohmann::json::array();
  uint64_t n = 0;                      // picks the head commit
  nlohmann::json inventory = nullptr;  // predicate.inventory; null: none
};

// The Inventory page's items: a dataset and a model of acme/app seen by PR 1 twice (the pass
// replaces what the failure said), a model of acme/lib, and a hostile path.
inline nlohmann::json inventory_item(const std::string& kind, const std::string& path,
                                     const std::string& license) {
  return {{"kind", kind},
          {"path", path},
          {"change", "modified"},
          {"owners", {"@acme/" + kind + "-team"}},
          {"license", license}};
}

inline void add_web_inventories(std::vector<WebDecision>& list) {
  list[0].inventory =
      nlohmann::json::array({inventory_item("dataset", "data/users.csv", "CC0-1.0")});
  list[1].inventory =
      nlohmann::json::array({inventory_item("dataset", "data/users.csv", "CC-BY-4.0"),
                             inventory_item("model", "models/ranker.onnx", "apache-2.0")});
  list[1].inventory[0]["schema"] = {{"path", "data/users.schema.json"},
                                    {"sha256", std::string(64, 'e')}};
  list[1].inventory[1]["lineage"] = {
      {"source", "dvc.lock"}, {"stage", "train"}, {"inputs", {"data/users.csv"}}};
  list[3].inventory =
      nlohmann::json::array({inventory_item("model", "models/lib.safetensors", "mit")});
  list[3].inventory[0]["modelCard"] = {{"path", "models/README.md"},
                                       {"sha256", std::string(64, 'f')}};
  list[5].inventory = nlohmann::json::array(
      {inventory_item("dataset", "data/<img src=x onerror=alert(1)>.csv", "")});
}

inline nlohmann::json waiver(const std::string& rule, const std::string& reason,
                             const std::string& approver, const std::string& expires) {
  return {{"rule", rule},     {"paths", {"config/*.env"}}, {"fingerprint", ""},
          {"reason", reason}, {"approvedBy", approver},    {"expires", expires},
          {"matched", 1},     {"expired", false}};
}

// The seven decisions of the pages' tests, in log order; `now` places the waivers' expiry.
inline std::vector<WebDecision> web_decisions(int64_t now) {
  const int64_t day = 86400;
  std::string soon = attest::format_time(now + 10 * day).substr(0, 10);
  std::string later = attest::format_time(now + 90 * day).substr(0, 10);
  std::string past = attest::format_time(now - 2 * day).substr(0, 10);
  std::vector<WebDecision> list = {
      {"acme/app", "1", "fail", {"no-secrets"}, "2026-03-01T10:00:00Z"},
      {"acme/app", "1", "pass", {}, "2026-03-01T12:00:00Z"},
      {"acme/app", "2", "fail", {"no-secrets", "small-files"}, "2026-03-02T09:00:00Z"},
      {"acme/lib", "7", "fail", {"license"}, "2026-03-02T10:00:00Z", "bob"},
      {"acme/lib", "7", "pass", {}, "2026-03-03T10:00:00Z", "bob"},
      {kHostileRepository, "9", "fail", {"no-secrets"}, "2026-03-03T11:00:00Z"},
      {"acme/legacy", "", "pass", {}, "2026-03-04T08:00:00Z"}};
  list[1].waivers.push_back(waiver("no-secrets", "test fixture key, not a secret", "carol", soon));
  list[4].waivers.push_back(waiver("license", "vendored under a reviewed licence", "dave", later));
  list[6].waivers.push_back(waiver("small-files", "old exception", "erin", past));
  list[6].waivers[0]["expired"] = true;
  for (size_t i = 0; i < list.size(); ++i) list[i].n = 100 + i;
  add_web_inventories(list);
  return list;
}

inline std::string web_envelope(const attest::PrivateKey& signer, const WebDecision& d) {
  nlohmann::json rules = nlohmann::json::array();
  for (const char* id : {"no-secrets", "small-files", "license"}) {
    bool failed =
        std::find(d.failed_rules.begin(), d.failed_rules.end(), id) != d.failed_rules.end();
    bool waived = false;
    for (const auto& w : d.waivers) waived = waived || w["rule"] == id;
    rules.push_back({{"id", id},
                     {"type", id},
                     {"severity", "error"},
                     {"status", failed ? "fail" : "pass"},
                     {"findings", failed ? 2 : 0},
                     {"waived", waived ? 1 : 0}});
  }
  std::string head = attest::test::commit_id(d.n);
  nlohmann::json predicate = {
      {"repository", d.repository},
      {"base", attest::test::commit_id(d.n + 1000)},
      {"head", head},
      {"mergeBase", attest::test::commit_id(d.n + 1000)},
      {"policy",
       {{"source", "repository"},
        {"path", ".gate/policy.yaml"},
        {"sha256", std::string(64, 'c')},
        {"revision", attest::test::commit_id(d.n + 2000)},
        {"overridden", false}}},
      {"mode", "enforce"},
      {"verdict", d.verdict},
      {"exitCode", d.verdict == "pass" ? 0 : 1},
      {"filesChanged", 3},
      {"commits", 1},
      {"findings",
       {{"error", d.failed_rules.size() * 2},
        {"warning", 0},
        {"notice", 0},
        {"waived", d.waivers.size()}}},
      {"rules", rules},
      {"waivers", d.waivers},
      {"ci",
       {{"provider", "github"},
        {"event", "pull_request"},
        {"repository", d.repository},
        {"serverUrl", "https://github.com"},
        {"runUrl", "https://github.com/" + d.repository + "/actions/runs/" + std::to_string(d.n)},
        {"actor", d.actor},
        {"changeId", d.change_id},
        {"targetBranch", "main"}}},
      {"tool", {{"name", "gate"}, {"version", "test"}}},
      {"time", d.time}};
  if (!d.inventory.is_null()) predicate["inventory"] = d.inventory;
  return attest::serialize_envelope(attest::sign_envelope(
      attest::kInTotoPayloadType, attest::make_statement(head, predicate), signer));
}

}  // namespace gate::server::test
