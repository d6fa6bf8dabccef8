#include "server/web/dashboard.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "attest/dsse.hpp"
#include "attest/statement.hpp"
#include "gate/types/errors.hpp"

namespace gate::server::web {

namespace {

std::string text(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_array()) {
    std::string out;
    for (const auto& item : *it) {
      if (!out.empty()) out += ", ";
      out += (item.is_string() ? item.get<std::string>() : item.dump());
    }
    return out;
  }
  return it->dump();
}

constexpr int64_t kDay = 86400;

}  // namespace

std::optional<DecisionFacts> facts_from_export_line(const nlohmann::json& line) {
  if (!line.is_object() || !line.contains("envelope") || !line["envelope"].is_string())
    return std::nullopt;
  nlohmann::json statement;
  try {
    auto envelope = attest::parse_envelope(line["envelope"].get<std::string>(), "export line");
    statement = nlohmann::json::parse(envelope.payload, nullptr, false);
  } catch (const InputError&) {
    return std::nullopt;
  }
  if (!statement.is_object() || !statement.contains("predicate")) return std::nullopt;
  const auto& predicate = statement["predicate"];
  if (!predicate.is_object()) return std::nullopt;
  DecisionFacts facts;
  if (line.contains("seq") && line["seq"].is_number_unsigned()) facts.seq = line["seq"];
  facts.time = attest::parse_time(text(predicate, "time")).value_or(0);
  facts.repository = text(predicate, "repository");
  facts.head = text(predicate, "head");
  facts.verdict = text(predicate, "verdict");
  std::string change_id = predicate.contains("ci") ? text(predicate["ci"], "changeId") : "";
  facts.change = change_id.empty() ? "commit " + facts.head.substr(0, 12) : "#" + change_id;
  const auto& identity = line.contains("identity") ? line["identity"] : nlohmann::json();
  facts.ci_identity = text(identity, "subject");
  if (facts.ci_identity.empty()) facts.ci_identity = "(appended directly)";
  if (predicate.contains("rules") && predicate["rules"].is_array()) {
    for (const auto& rule : predicate["rules"]) {
      if (text(rule, "status") == "fail") facts.failed_rules.push_back(text(rule, "id"));
    }
  }
  if (predicate.contains("waivers") && predicate["waivers"].is_array()) {
    for (const auto& waiver : predicate["waivers"]) {
      if (!waiver.is_object()) continue;
      if (auto expired = waiver.find("expired"); expired != waiver.end() && *expired == true)
        continue;
      WaiverFacts w{text(waiver, "rule"),       text(waiver, "paths"),   text(waiver, "reason"),
                    text(waiver, "approvedBy"), text(waiver, "expires"), std::nullopt};
      if (!w.expires.empty()) w.expires_at = attest::parse_time(w.expires);
      facts.waivers.push_back(std::move(w));
    }
  }
  facts.inventory = inventory_from_predicate(predicate);
  return facts;
}

Dashboard compute_dashboard(const std::vector<DecisionFacts>& decisions, int64_t now) {
  Dashboard out;
  std::map<std::pair<std::string, std::string>, DayCount> days;
  std::map<std::string, uint64_t> rules;
  std::map<std::string, uint64_t> identities;
  struct ChangeState {
    std::optional<int64_t> failing_since;
    uint64_t latest_seq = 0;
  };
  std::map<std::pair<std::string, std::string>, ChangeState> changes;
  using WaiverKey = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  std::map<WaiverKey, ActiveWaiver> waivers;

  for (const auto& decision : decisions) {
    ++out.decisions;
    bool pass = decision.verdict == "pass";
    (pass ? out.passes : out.failures)++;
    std::string day = attest::format_time(decision.time).substr(0, 10);
    DayCount& count = days[{decision.repository, day}];
    count.repository = decision.repository;
    count.day = day;
    (pass ? count.pass : count.fail)++;
    for (const auto& rule : decision.failed_rules) ++rules[rule];
    ++identities[decision.ci_identity];

    ChangeState& change = changes[{decision.repository, decision.change}];
    change.latest_seq = decision.seq;
    if (!pass && !change.failing_since) change.failing_since = decision.time;
    if (pass && change.failing_since) {
      out.time_to_pass.push_back({decision.repository, decision.change, *change.failing_since,
                                  decision.time, decision.seq,
                                  decision.time - *change.failing_since});
      change.failing_since.reset();
    }
    for (const auto& waiver : decision.waivers) {
      if (waiver.expires_at && *waiver.expires_at <= now) continue;
      WaiverKey key{decision.repository, waiver.rule, waiver.paths, waiver.approved_by,
                    waiver.expires};
      ActiveWaiver& active = waivers[key];
      active.repository = decision.repository;
      active.waiver = waiver;
      active.last_seen_seq = decision.seq;
      if (waiver.expires_at) {
        active.days_left = (*waiver.expires_at - now) / kDay;
        active.expiring_soon = *waiver.expires_at - now <= 30 * kDay;
      }
    }
  }

  for (auto& [key, count] : days) out.per_repository_day.push_back(count);
  for (auto& [rule, n] : rules) out.failing_rules.emplace_back(rule, n);
  for (auto& [who, n] : identities) out.per_identity.emplace_back(who, n);
  auto most_first = [](const Count& a, const Count& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  std::stable_sort(out.failing_rules.begin(), out.failing_rules.end(), most_first);
  std::stable_sort(out.per_identity.begin(), out.per_identity.end(), most_first);

  for (const auto& [key, state] : changes) {
    if (!state.failing_since) continue;
    out.blocked.push_back({key.first, key.second, state.latest_seq, *state.failing_since,
                           now - *state.failing_since});
  }
  std::stable_sort(out.blocked.begin(), out.blocked.end(), [](const auto& a, const auto& b) {
    return a.waiting_seconds > b.waiting_seconds;
  });

  for (auto& [key, waiver] : waivers) out.waivers.push_back(waiver);
  std::stable_sort(out.waivers.begin(), out.waivers.end(), [](const auto& a, const auto& b) {
    if (a.waiver.expires_at.has_value() != b.waiver.expires_at.has_value())
      return a.waiver.expires_at.has_value();
    return a.waiver.expires_at.value_or(0) < b.waiver.expires_at.value_or(0);
  });

  if (!out.time_to_pass.empty()) {
    std::vector<int64_t> seconds;
    for (const auto& fixed : out.time_to_pass) seconds.push_back(fixed.seconds);
    std::sort(seconds.begin(), seconds.end());
    size_t mid = seconds.size() / 2;
    out.median_time_to_pass =
        seconds.size() % 2 ? seconds[mid] : (seconds[mid - 1] + seconds[mid]) / 2;
  }
  return out;
}

std::string duration_text(int64_t seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds >= kDay) {
    return std::to_string(seconds / kDay) + "d " + std::to_string(seconds % kDay / 3600) + "h";
  }
  if (seconds >= 3600) {
    return std::to_string(seconds / 3600) + "h " + std::to_string(seconds % 3600 / 60) + "m";
  }
  if (seconds >= 60)
    return std::to_string(seconds / 60) + "m " + std::to_string(seconds % 60) + "s";
  return std::to_string(seconds) + "s";
}

}  // namespace gate::server::web
