#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/web/inventory_page.hpp"

// "Measure everything": the figures of /ui/dashboard, computed from the decisions alone (pure,
// so each number is tested without a server).
namespace gate::server::web {

struct WaiverFacts {
  std::string rule;
  std::string paths;
  std::string reason;
  std::string approved_by;
  std::string expires;                // as written in the policy, empty: no expiry
  std::optional<int64_t> expires_at;  // parsed, seconds since the epoch
};

// What the dashboard needs of one decision, read from its signed statement.
struct DecisionFacts {
  uint64_t seq = 0;
  int64_t time = 0;
  std::string repository;
  std::string head;
  std::string verdict;
  // The change a decision is about: the pull/merge request (ci.changeId) when there is one,
  // else the head commit.
  std::string change;
  std::string ci_identity;  // the submitter's subject, or "(appended directly)"
  std::vector<std::string> failed_rules;
  std::vector<WaiverFacts> waivers;
  std::vector<InventoryFacts> inventory;  // the Inventory page's: folded, then cleared
};

// A line of LogService::export_lines (seq, envelope, identity); nullopt when the envelope is not
// a Gate decision statement (the checkpoint line, say).
std::optional<DecisionFacts> facts_from_export_line(const nlohmann::json& line);

struct DayCount {
  std::string repository;
  std::string day;  // YYYY-MM-DD (UTC)
  uint64_t pass = 0;
  uint64_t fail = 0;
};

struct BlockedChange {
  std::string repository;
  std::string change;
  uint64_t latest_seq = 0;
  int64_t first_failure = 0;  // first failure since the change last passed
  int64_t waiting_seconds = 0;
};

struct ActiveWaiver {
  std::string repository;
  WaiverFacts waiver;
  uint64_t last_seen_seq = 0;
  std::optional<int64_t> days_left;  // nullopt: no expiry
  bool expiring_soon = false;        // within 30 days
};

struct TimeToPass {
  std::string repository;
  std::string change;
  int64_t first_failure = 0;
  int64_t passed = 0;
  uint64_t pass_seq = 0;
  int64_t seconds = 0;
};

using Count = std::pair<std::string, uint64_t>;

struct Dashboard {
  uint64_t decisions = 0;
  uint64_t passes = 0;
  uint64_t failures = 0;
  std::vector<DayCount> per_repository_day;  // by repository, then day
  std::vector<Count> failing_rules;          // most failing first, then by name
  std::vector<BlockedChange> blocked;        // longest waiting first
  std::vector<ActiveWaiver> waivers;         // soonest expiry first, then no expiry
  std::vector<TimeToPass> time_to_pass;      // in the order the changes passed
  std::optional<int64_t> median_time_to_pass;
  std::vector<Count> per_identity;  // most decisions first, then by name
};

// `decisions` in log order; `now` in seconds since the epoch.
Dashboard compute_dashboard(const std::vector<DecisionFacts>& decisions, int64_t now);

// The page body: each figure as an inline SVG chart (patterns and labels, readable without
// colour) with its numbers in a table beside it.
std::string dashboard_body(const Dashboard& dashboard, int64_t now);

// "3d 4h", "5h 12m", "40s": a duration for people.
std::string duration_text(int64_t seconds);

}  // namespace gate::server::web
