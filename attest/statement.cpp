#include "attest/statement.hpp"

#include <cctype>
#include <charconv>
#include <ctime>

#include "gate/types/errors.hpp"
#include "gate/types/json_member.hpp"

namespace gate::attest {

std::string make_statement(const std::string& commit, const nlohmann::json& predicate) {
  nlohmann::json statement = {
      {"_type", kStatementType},
      {"subject",
       nlohmann::json::array({{{"name", "git-commit"}, {"digest", {{"gitCommit", commit}}}}})},
      {"predicateType", kDecisionPredicateType},
      {"predicate", predicate}};
  // Policy ids and CI values are outside text; bytes that are not UTF-8 become U+FFFD rather
  // than an exception at signing time.
  return statement.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {
nlohmann::json ci_json(const CiContext& context) {
  return {{"provider", context.provider},     {"event", context.event},
          {"repository", context.repository}, {"serverUrl", context.server_url},
          {"runUrl", context.run_url},        {"actor", context.actor},
          {"changeId", context.change_id},    {"targetBranch", context.target_branch}};
}

// The pull or merge request the head landed from, and the signed decision about its head.
nlohmann::json landing_json(const Landing& landing) {
  nlohmann::json out = {{"changeId", landing.change_id},
                        {"changeHead", landing.change_head},
                        {"commit", landing.commit}};
  if (!landing.decision_sha256.empty()) {
    out["changeDecision"] = {{"sha256", landing.decision_sha256},
                             {"verdict", landing.decision_verdict},
                             {"time", format_time(landing.decision_time)}};
  }
  return out;
}

nlohmann::json described_json(const DescribedBy& file) {
  return {{"path", file.path}, {"sha256", file.sha256}};
}

}  // namespace

nlohmann::json inventory_json(const Inventory& inventory) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : inventory.items) {
    if (items.size() >= kMaxInventoryItems) break;
    nlohmann::json entry = {
        {"kind", item.kind}, {"path", item.path}, {"change", item.change}, {"owners", item.owners}};
    if (item.schema) entry["schema"] = described_json(*item.schema);
    if (item.manifest) entry["manifest"] = described_json(*item.manifest);
    if (item.model_card) entry["modelCard"] = described_json(*item.model_card);
    if (!item.license.empty()) entry["license"] = item.license;
    if (item.lineage) {
      nlohmann::json lineage = {{"source", item.lineage->source}, {"inputs", item.lineage->inputs}};
      if (!item.lineage->stage.empty()) lineage["stage"] = item.lineage->stage;
      entry["lineage"] = std::move(lineage);
    }
    items.push_back(std::move(entry));
  }
  return items;
}

nlohmann::json decision_predicate(const Decision& decision, int64_t now) {
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& rule : decision.rules) {
    nlohmann::json entry = {{"id", rule.id},
                            {"type", rule.type},
                            {"severity", std::string(to_string(rule.severity))},
                            {"status", std::string(to_string(rule.status))},
                            {"findings", rule.findings},
                            {"waived", rule.waived}};
    // A rule's own measurements (data-drift's profiles): written by Gate's own code as JSON.
    if (!rule.record.empty()) entry["record"] = nlohmann::json::parse(rule.record);
    rules.push_back(std::move(entry));
  }
  nlohmann::json waivers = nlohmann::json::array();
  for (const auto& waiver : decision.waivers) {
    waivers.push_back({{"rule", waiver.rule},
                       {"paths", waiver.paths},
                       {"fingerprint", waiver.fingerprint},
                       {"reason", waiver.reason},
                       {"approvedBy", waiver.approved_by},
                       {"expires", waiver.expires},
                       {"matched", waiver.matched},
                       {"expired", waiver.expired}});
  }
  std::string repository =
      decision.context.repository.empty() ? decision.repository_path : decision.context.repository;
  nlohmann::json predicate = {{"repository", repository},
                              {"base", decision.base},
                              {"head", decision.head},
                              {"mergeBase", decision.merge_base},
                              {"policy",
                               {{"source", decision.policy.source},
                                {"path", decision.policy.path},
                                {"sha256", decision.policy.sha256},
                                {"revision", decision.policy.revision},
                                {"overridden", decision.policy.overridden}}},
                              {"mode", std::string(to_string(decision.mode))},
                              {"verdict", std::string(to_string(decision.verdict))},
                              {"exitCode", decision.exit_code},
                              {"filesChanged", decision.files_changed},
                              {"commits", decision.commits},
                              {"findings",
                               {{"error", decision.count(Severity::error)},
                                {"warning", decision.count(Severity::warning)},
                                {"notice", decision.count(Severity::notice)},
                                {"waived", decision.waived_count()}}},
                              {"rules", rules},
                              {"waivers", waivers},
                              {"ci", ci_json(decision.context)},
                              {"tool", {{"name", "gate"}, {"version", decision.tool_version}}},
                              {"time", attest::format_time(now)},
                              {"inventory", inventory_json(decision.inventory)},
                              {"inventoryOmitted", decision.inventory.omitted}};
  if (decision.landing) predicate["landing"] = landing_json(*decision.landing);
  return predicate;
}

std::string to_statement(const Decision& decision, int64_t now) {
  return make_statement(decision.head, decision_predicate(decision, now));
}

namespace {
[[noreturn]] void bad_statement(const std::string& origin, const std::string& what) {
  throw InputError(origin, 0, 0, "not a Gate decision statement: " + what,
                   "the payload must be an in-toto Statement v1 made by `gate check --sign-key`");
}

std::string text_at(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

DecisionSummary summarize_decision(const Envelope& envelope, const std::string& origin) {
  if (envelope.payload_type != kInTotoPayloadType) {
    bad_statement(origin, "payloadType is '" + envelope.payload_type + "'");
  }
  nlohmann::json statement = nlohmann::json::parse(envelope.payload, nullptr, false);
  if (statement.is_discarded() || !statement.is_object()) bad_statement(origin, "not JSON");
  if (text_at(statement, "_type") != kStatementType) bad_statement(origin, "_type is not v1");
  DecisionSummary summary;
  auto subjects = statement.find("subject");
  if (subjects == statement.end() || !subjects->is_array() || subjects->empty()) {
    bad_statement(origin, "no subject");
  }
  for (const auto& subject : *subjects) {
    std::string commit = text_at(json_member(subject, "digest"), "gitCommit");
    if (!commit.empty()) summary.subject_commits.push_back(std::move(commit));
  }
  if (summary.subject_commits.empty()) bad_statement(origin, "subject has no gitCommit digest");
  summary.subject_commit = summary.subject_commits.front();
  summary.predicate_type = text_at(statement, "predicateType");
  // A missing predicate reads as an empty one; a present one must be an object.
  const nlohmann::json& predicate = json_member(statement, "predicate");
  if (statement.contains("predicate") && !predicate.is_object()) {
    bad_statement(origin, "predicate is not an object");
  }
  auto time = parse_time(text_at(predicate, "time"));
  summary.time = time.value_or(0);
  summary.base = text_at(predicate, "base");
  summary.head = text_at(predicate, "head");
  summary.verdict = text_at(predicate, "verdict");
  summary.policy_sha256 = text_at(json_member(predicate, "policy"), "sha256");
  const nlohmann::json& ci = json_member(predicate, "ci");
  summary.repository = text_at(predicate, "repository");
  summary.actor = text_at(ci, "actor");
  summary.change_id = text_at(ci, "changeId");
  const nlohmann::json& rules = json_member(predicate, "rules");
  if (rules.is_array()) {
    for (const auto& rule : rules) {
      if (text_at(rule, "status") == "fail" || text_at(rule, "status") == "error") {
        summary.failed_rules.push_back(text_at(rule, "id"));
      }
    }
  }
  return summary;
}

std::optional<std::string> decision_is_about(const DecisionSummary& summary,
                                             const std::string& commit) {
  bool named = false;
  for (const auto& subject : summary.subject_commits) named = named || subject == commit;
  if (!named) {
    return "the attestation is about commit " + summary.subject_commit + ", not " + commit;
  }
  if (summary.head != commit) {
    return "predicate.head is '" + summary.head + "', not the subject " + commit;
  }
  return std::nullopt;
}

std::string format_time(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

namespace {
bool digits(const std::string& text, size_t at, size_t count, int& value) {
  if (at + count > text.size()) return false;
  value = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}
}  // namespace

std::optional<int64_t> parse_time(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos &&
      text.size() < 18) {
    int64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
  }
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!digits(text, 0, 4, year) || text.size() < 10 || text[4] != '-' || text[7] != '-' ||
      !digits(text, 5, 2, month) || !digits(text, 8, 2, day)) {
    return std::nullopt;
  }
  if (text.size() != 10) {
    if (text.size() != 20 || (text[10] != 'T' && text[10] != ' ') || text[13] != ':' ||
        text[16] != ':' || text[19] != 'Z' || !digits(text, 11, 2, hour) ||
        !digits(text, 14, 2, minute) || !digits(text, 17, 2, second)) {
      return std::nullopt;
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::tm utc{};
  utc.tm_year = year - 1900;
  utc.tm_mon = month - 1;
  utc.tm_mday = day;
  utc.tm_hour = hour;
  utc.tm_min = minute;
  utc.tm_sec = second;
  return static_cast<int64_t>(timegm(&utc));
}

}  // namespace gate::attest
