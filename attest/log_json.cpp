#include "attest/log_json.hpp"

#include "attest/bytes.hpp"
#include "attest/statement.hpp"

namespace gate::attest {

nlohmann::json hex_list(const std::vector<Hash>& hashes) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& hash : hashes) list.push_back(to_hex(hash));
  return list;
}

nlohmann::json entry_columns_json(const LogEntry& entry) {
  return {{"seq", entry.seq},
          {"time", format_time(entry.time)},
          {"repository", entry.repository},
          {"base", entry.base},
          {"head", entry.head},
          {"verdict", entry.verdict},
          {"policy_sha256", entry.policy_sha256},
          {"actor", entry.actor},
          {"failed_rules", entry.failed_rules},
          {"change_id", entry.change_id},
          {"key_id", entry.key_id}};
}

}  // namespace gate::attest
