#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "attest/dsse.hpp"
#include "gate/types/decision.hpp"

namespace gate::attest {

inline constexpr const char* kStatementType = "https://in-toto.io/Statement/v1";
inline constexpr const char* kInTotoPayloadType = "application/vnd.in-toto+json";
// Versioned: a change of the predicate's meaning gets a new URI (docs/attestation.md).
inline constexpr const char* kDecisionPredicateType = "https://gate-ci.dev/attestation/decision/v1";

// The in-toto Statement v1 for a decision about `commit`, serialized compactly with sorted keys.
std::string make_statement(const std::string& commit, const nlohmann::json& predicate);

// The predicate of a decision statement (docs/attestation.md), `now` in seconds since the epoch.
// It holds counts and identifiers only, never finding contents, so no secret reaches the log.
nlohmann::json decision_predicate(const Decision& decision, int64_t now);

// The predicate's `inventory` array: each dataset and model of the decision, at most
// kMaxInventoryItems (docs/attestation.md, "inventory").
nlohmann::json inventory_json(const Inventory& inventory);

// The statement of `decision` about its head commit: what `gate check --sign-key` signs.
// summarize_decision reads it back.
std::string to_statement(const Decision& decision, int64_t now);

// What the audit log indexes and what `gate verify` checks, read from a signed statement.
struct DecisionSummary {
  std::string subject_commit;  // subject[0].digest.gitCommit
  // Every subject's digest.gitCommit: in-toto matches an artifact when any subject matches.
  std::vector<std::string> subject_commits;
  std::string predicate_type;
  int64_t time = 0;  // seconds since the epoch (predicate.time)
  std::string repository;
  std::string base;
  std::string head;
  std::string verdict;
  std::string policy_sha256;
  std::string actor;
  std::string change_id;  // predicate.ci.changeId: the pull/merge request, empty for none
  std::vector<std::string> failed_rules;
};

// Parses the payload of an envelope as a Gate decision statement; throws InputError naming
// `origin` when it is not one.
DecisionSummary summarize_decision(const Envelope& envelope, const std::string& origin);

// nullopt when the statement is a decision about `commit`: one of its subjects names the commit
// and predicate.head says the same; else why not.
std::optional<std::string> decision_is_about(const DecisionSummary& summary,
                                             const std::string& commit);

// RFC 3339 UTC ("2026-03-01T12:00:00Z") from seconds since the epoch, and back. parse_time also
// accepts a date alone ("2026-03-01", midnight UTC) and plain seconds; nullopt otherwise.
std::string format_time(int64_t seconds);
std::optional<int64_t> parse_time(const std::string& text);

}  // namespace gate::attest
