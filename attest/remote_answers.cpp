#include "attest/remote_answers.hpp"

#include "attest/statement.hpp"
#include "gate/types/errors.hpp"

namespace gate::attest {

namespace {

using Json = nlohmann::json;

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw InputError(where + ": the service's answer " + what);
}

Json parse_object(std::string_view body, const std::string& where) {
  Json json = Json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) bad(where, "is not a JSON object");
  return json;
}

const Json& member(const Json& json, const char* name, const std::string& where) {
  auto found = json.find(name);
  if (found == json.end()) bad(where, std::string("lacks '") + name + "'");
  return *found;
}

uint64_t number(const Json& json, const char* name, const std::string& where) {
  const Json& value = member(json, name, where);
  if (!value.is_number_unsigned())
    bad(where, std::string("has a '") + name + "' that is not a count");
  return value.get<uint64_t>();
}

std::string text(const Json& json, const char* name, const std::string& where) {
  const Json& value = member(json, name, where);
  if (!value.is_string()) bad(where, std::string("has a '") + name + "' that is not a string");
  return value.get<std::string>();
}

std::optional<std::string> optional_text(const Json& json, const char* name,
                                         const std::string& where) {
  if (!json.contains(name)) return std::nullopt;
  return text(json, name, where);
}

Hash hex_hash(const Json& value, const std::string& field, const std::string& where) {
  std::optional<std::string> bytes;
  if (value.is_string()) bytes = from_hex(value.get<std::string>());
  if (!bytes || bytes->size() != 32) bad(where, "has a '" + field + "' that is not a hex SHA-256");
  return hash_from_bytes(*bytes);
}

Hash hash_member(const Json& json, const char* name, const std::string& where) {
  return hex_hash(member(json, name, where), name, where);
}

std::vector<Hash> hash_list(const Json& json, const char* name, const std::string& where) {
  const Json& value = member(json, name, where);
  if (!value.is_array() || value.size() > kMaxRemoteProof) {
    bad(where, std::string("has a '") + name + "' that is not a list of at most " +
                   std::to_string(kMaxRemoteProof) + " hashes");
  }
  std::vector<Hash> hashes;
  for (const auto& item : value) hashes.push_back(hex_hash(item, name, where));
  return hashes;
}

std::vector<std::string> text_list(const Json& json, const char* name, const std::string& where) {
  const Json& value = member(json, name, where);
  if (!value.is_array()) bad(where, std::string("has a '") + name + "' that is not a list");
  std::vector<std::string> out;
  for (const auto& item : value) {
    if (!item.is_string())
      bad(where, std::string("has a '") + name + "' item that is not a string");
    out.push_back(item.get<std::string>());
  }
  return out;
}

// The columns of entry_columns_json (attest/log_json.cpp), read back.
RemoteEntry entry_from(const Json& json, const std::string& where, bool columns) {
  RemoteEntry out;
  LogEntry& entry = out.entry;
  entry.seq = number(json, "seq", where);
  out.leaf_hash = hash_member(json, "leaf_hash", where);
  if (columns) {
    std::string time = text(json, "time", where);
    auto seconds = parse_time(time);
    if (!seconds) bad(where, "has a 'time' that is not RFC 3339 UTC: " + time.substr(0, 40));
    entry.time = *seconds;
    entry.repository = text(json, "repository", where);
    entry.base = text(json, "base", where);
    entry.head = text(json, "head", where);
    entry.verdict = text(json, "verdict", where);
    entry.policy_sha256 = text(json, "policy_sha256", where);
    entry.actor = text(json, "actor", where);
    entry.failed_rules = text_list(json, "failed_rules", where);
    // A service older than the pull request filter sends no change_id.
    entry.change_id = optional_text(json, "change_id", where).value_or("");
    entry.key_id = text(json, "key_id", where);
  }
  if (auto envelope = optional_text(json, "envelope", where)) {
    entry.envelope = std::move(*envelope);
    out.has_envelope = true;
  }
  if (auto identity = json.find("identity"); identity != json.end()) {
    if (!identity->is_object() && !identity->is_null()) {
      bad(where, "has an 'identity' that is neither an object nor null");
    }
    out.identity = *identity;
  }
  return out;
}

}  // namespace

AppendAnswer parse_append_answer(std::string_view body, const std::string& where) {
  Json json = parse_object(body, where);
  AppendAnswer out;
  out.seq = number(json, "seq", where);
  out.leaf_hash = hash_member(json, "leaf_hash", where);
  out.tree_size = number(json, "tree_size", where);
  out.root = hash_member(json, "root", where);
  out.inclusion_proof = hash_list(json, "inclusion_proof", where);
  out.checkpoint = text(json, "checkpoint", where);
  out.key_id = optional_text(json, "key_id", where).value_or("");
  return out;
}

InclusionAnswer parse_inclusion_answer(std::string_view body, const std::string& where) {
  Json json = parse_object(body, where);
  InclusionAnswer out;
  out.leaf_index = number(json, "leaf_index", where);
  out.tree_size = number(json, "tree_size", where);
  out.leaf_hash = hash_member(json, "leaf_hash", where);
  out.root = hash_member(json, "root", where);
  out.proof = hash_list(json, "proof", where);
  out.checkpoint = optional_text(json, "checkpoint", where);
  return out;
}

ConsistencyAnswer parse_consistency_answer(std::string_view body, const std::string& where) {
  Json json = parse_object(body, where);
  ConsistencyAnswer out;
  out.old_size = number(json, "old_size", where);
  out.new_size = number(json, "new_size", where);
  out.old_root = hash_member(json, "old_root", where);
  out.new_root = hash_member(json, "new_root", where);
  out.proof = hash_list(json, "proof", where);
  out.checkpoint = optional_text(json, "checkpoint", where);
  return out;
}

QueryPage parse_query_page(std::string_view body, const std::string& where) {
  Json json = parse_object(body, where);
  const Json& entries = member(json, "entries", where);
  if (!entries.is_array()) bad(where, "has 'entries' that is not a list");
  QueryPage page;
  for (const auto& item : entries) {
    if (!item.is_object()) bad(where, "has an entry that is not an object");
    page.entries.push_back(entry_from(item, where, true));
  }
  page.next_page_token = optional_text(json, "next_page_token", where);
  if (page.next_page_token && page.next_page_token->empty()) {
    bad(where, "has an empty 'next_page_token'");
  }
  return page;
}

RemoteEntry parse_entry_answer(std::string_view body, const std::string& where) {
  RemoteEntry entry = entry_from(parse_object(body, where), where, true);
  if (!entry.has_envelope) bad(where, "lacks 'envelope'");
  return entry;
}

ExportLine parse_export_line(std::string_view line, const std::string& where) {
  Json json = parse_object(line, where);
  ExportLine out;
  if (json.contains("checkpoint") && !json.contains("seq")) {
    out.checkpoint = text(json, "checkpoint", where);
    return out;
  }
  RemoteEntry entry = entry_from(json, where, false);
  if (!entry.has_envelope) bad(where, "has an entry line without 'envelope'");
  out.entry = std::move(entry);
  return out;
}

ServiceHealth parse_health(std::string_view body, const std::string& where) {
  Json json = parse_object(body, where);
  if (text(json, "status", where) != "ok") bad(where, "does not say the service is ok");
  return {text(json, "origin", where), number(json, "size", where)};
}

namespace {
// What the service says is printed on a terminal: no control bytes.
std::string printable(std::string_view text, size_t limit) {
  std::string out(text.substr(0, limit));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}
}  // namespace

std::string service_refusal_text(std::string_view body) {
  Json json = Json::parse(body, nullptr, false);
  if (!json.is_discarded() && json.is_object()) {
    std::string out;
    if (auto error = json.find("error"); error != json.end() && error->is_string()) {
      out = error->get<std::string>();
    }
    if (auto message = json.find("message"); message != json.end() && message->is_string()) {
      out += (out.empty() ? "" : ": ") + message->get<std::string>();
    }
    if (!out.empty()) return printable(out, 500);
  }
  return printable(body.substr(0, body.find('\n')), 200);
}

}  // namespace gate::attest
