#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "attest/log_store.hpp"
#include "attest/merkle.hpp"

// The JSON shapes the audit log is read in, shared by `gate log` and the log service so both
// answer auditors with the same fields.
namespace gate::attest {

// Hashes as lowercase hex, in order (RFC 9162 proofs).
nlohmann::json hex_list(const std::vector<Hash>& hashes);

// An entry's index columns: seq, time (RFC 3339), repository, base, head, verdict,
// policy_sha256, actor, failed_rules, key_id. Not the envelope.
nlohmann::json entry_columns_json(const LogEntry& entry);

}  // namespace gate::attest
