#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "attest/dsse.hpp"
#include "attest/keys.hpp"
#include "attest/log_store.hpp"
#include "attest/statement.hpp"

namespace gate::attest::test {

struct Decision {
  std::string head = std::string(40, 'a');
  std::string base = std::string(40, 'b');
  std::string verdict = "pass";
  std::string repository = "acme/app";
  std::string actor = "alice";
  std::string failed_rule;    // empty: every rule passed
  std::string change_id;      // ci.changeId (pull request number); empty: left out
  int64_t time = 1772359200;  // 2026-03-01T10:00:00Z
};

// A signed decision envelope (DSSE JSON) as `gate check` would write it.
inline std::string make_envelope(const PrivateKey& key, const Decision& decision) {
  nlohmann::json rules = nlohmann::json::array();
  rules.push_back({{"id", "small-files"}, {"status", "pass"}, {"findings", 0}});
  if (!decision.failed_rule.empty()) {
    rules.push_back({{"id", decision.failed_rule}, {"status", "fail"}, {"findings", 1}});
  }
  nlohmann::json predicate = {
      {"repository", decision.repository},
      {"base", decision.base},
      {"head", decision.head},
      {"verdict", decision.verdict},
      {"policy", {{"path", ".gate/policy.yaml"}, {"sha256", std::string(64, 'c')}}},
      {"rules", rules},
      {"waivers", nlohmann::json::array()},
      {"ci", {{"provider", "github"}, {"actor", decision.actor}}},
      {"tool", {{"name", "gate"}, {"version", "test"}}},
      {"time", format_time(decision.time)}};
  if (!decision.change_id.empty()) predicate["ci"]["changeId"] = decision.change_id;
  return serialize_envelope(
      sign_envelope(kInTotoPayloadType, make_statement(decision.head, predicate), key));
}

// A commit-like id that differs per number.
inline std::string commit_id(uint64_t n) {
  std::string hex = to_hex(sha256("commit " + std::to_string(n)));
  return hex.substr(0, 40);
}

// Appends `count` decisions one transaction each (each with its own checkpoint).
inline void append_decisions(LogStore& log, const PrivateKey& signer, const PrivateKey& log_key,
                             uint64_t first, uint64_t count) {
  for (uint64_t i = first; i < first + count; ++i) {
    Decision decision;
    decision.head = commit_id(i);
    decision.time += static_cast<int64_t>(i) * 3600;
    decision.verdict = i % 3 == 0 ? "fail" : "pass";
    if (i % 3 == 0) decision.failed_rule = "no-secrets";
    decision.actor = i % 2 ? "bob" : "alice";
    log.append(make_envelope(signer, decision), log_key);
  }
}

inline void write_key_files(const PrivateKey& key, const std::filesystem::path& prefix) {
  std::filesystem::create_directories(prefix.parent_path());
  std::ofstream(prefix.string() + ".key") << key.pkcs8_pem();
  std::ofstream(prefix.string() + ".pub") << key.public_key().pem();
}

}  // namespace gate::attest::test
