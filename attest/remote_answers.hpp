#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/bytes.hpp"
#include "attest/log_store.hpp"

// The JSON answers of `gate log serve` (docs/audit-service.md), parsed into values. These parsers
// only check shape (types, hashes of 32 bytes, bounded lists); what the values prove is checked
// by RemoteLog. Every parser throws InputError naming `where` (the URL asked) and the field.
namespace gate::attest {

// A Merkle proof of a tree of at most 2^64 leaves has at most 64 hashes (inclusion) or 2x that
// (consistency); anything longer is not a proof.
constexpr size_t kMaxRemoteProof = 128;

struct AppendAnswer {  // 201 of POST /v1/entries
  uint64_t seq = 0;
  Hash leaf_hash{};
  uint64_t tree_size = 0;
  Hash root{};
  std::vector<Hash> inclusion_proof;
  std::string checkpoint;
  std::string key_id;
};

struct InclusionAnswer {  // GET /v1/proof/inclusion
  uint64_t leaf_index = 0;
  uint64_t tree_size = 0;
  Hash leaf_hash{};
  Hash root{};
  std::vector<Hash> proof;
  std::optional<std::string> checkpoint;
};

struct ConsistencyAnswer {  // GET /v1/proof/consistency
  uint64_t old_size = 0;
  uint64_t new_size = 0;
  Hash old_root{};
  Hash new_root{};
  std::vector<Hash> proof;
  std::optional<std::string> checkpoint;
};

// One entry as /v1/entries, /v1/entries/N and /v1/export give it: the index columns (empty in
// an export line), the leaf hash the service claims, the envelope when the answer carries it,
// and the submitter's identity (null when the service has none).
struct RemoteEntry {
  LogEntry entry;
  Hash leaf_hash{};
  bool has_envelope = false;
  nlohmann::json identity;
};

struct QueryPage {  // GET /v1/entries?...
  std::vector<RemoteEntry> entries;
  std::optional<std::string> next_page_token;
};

struct ExportLine {  // one line of GET /v1/export: an entry, or the closing checkpoint
  std::optional<RemoteEntry> entry;
  std::optional<std::string> checkpoint;
};

struct ServiceHealth {  // GET /healthz
  std::string origin;
  uint64_t size = 0;
};

AppendAnswer parse_append_answer(std::string_view body, const std::string& where);
InclusionAnswer parse_inclusion_answer(std::string_view body, const std::string& where);
ConsistencyAnswer parse_consistency_answer(std::string_view body, const std::string& where);
QueryPage parse_query_page(std::string_view body, const std::string& where);
// GET /v1/entries/N: columns and the envelope.
RemoteEntry parse_entry_answer(std::string_view body, const std::string& where);
ExportLine parse_export_line(std::string_view line, const std::string& where);
ServiceHealth parse_health(std::string_view body, const std::string& where);

// "error: message" of the service's JSON refusal ({"status", "error", "message"}), or the first
// line of a body that is not one (at most 200 bytes), or empty.
std::string service_refusal_text(std::string_view body);

}  // namespace gate::attest
