#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/keys.hpp"
#include "attest/log_store.hpp"
#include "server/identity.hpp"

// What `gate log serve` does, without HTTP: every answer is JSON (or a signed note) or a
// ServiceError carrying the status it maps to, so the HTTP layer only routes.
namespace gate::server {

struct ServiceError {
  int status = 400;
  std::string code;
  std::string message;
};

struct ServiceSetup {
  std::string store_path;
  std::string origin;
  attest::PrivateKey log_key;
  std::vector<attest::PublicKey> trusted;  // decision keys whose envelopes may be appended
  Authenticator authenticator;
  size_t readers = 4;  // read connections to the store
};

// Filters of GET /v1/entries; text as it came in the query string.
struct QueryRequest {
  attest::LogQuery query;
  std::optional<std::string> identity;  // submitter subject, repository or actor
  std::optional<std::string> page_token;
  uint64_t page_size = 100;
};

class LogService {
 public:
  explicit LogService(ServiceSetup setup);
  ~LogService();

  // Verifies the envelope and the submitter, appends, and answers {seq, leaf_hash, tree_size,
  // root, inclusion_proof, checkpoint, identity}.
  nlohmann::json append(std::string_view envelope, std::string_view authorization, int64_t now);

  std::optional<std::string> latest_checkpoint();
  nlohmann::json inclusion_proof(uint64_t seq, std::optional<uint64_t> size);
  nlohmann::json consistency_proof(uint64_t old_size, std::optional<uint64_t> new_size);
  nlohmann::json entry(uint64_t seq);
  nlohmann::json query(const QueryRequest& request);
  // Every entry as one JSON line (seq, leaf_hash, envelope, identity), then the checkpoint line;
  // stops early when `write` returns false.
  void export_lines(const std::function<bool(const std::string&)>& write);
  uint64_t size();
  const std::string& origin() const { return origin_; }

  // Called after every committed append, with the write lock held: it must only take note (the
  // witness pusher flags that a newer checkpoint exists). An empty function removes it.
  void on_append(std::function<void()> listener);
  // PROOF(old_size, D[new_size]) read from the store, for witnesses; nullopt unless
  // old_size <= new_size <= the latest checkpoint's size.
  std::optional<std::vector<attest::Hash>> consistency_hashes(uint64_t old_size, uint64_t new_size);

 private:
  class Readers;
  uint64_t checkpoint_size(attest::LogStore& store);
  static nlohmann::json entry_json(const attest::LogEntry& entry,
                                   const attest::SubmitterIdentity* identity);

  std::string origin_;
  attest::PrivateKey log_key_;
  std::vector<attest::PublicKey> trusted_;
  Authenticator authenticator_;
  std::mutex write_mutex_;  // one writer connection: SQLite serialises writers anyway
  attest::LogStore writer_;
  std::unique_ptr<Readers> readers_;
  std::function<void()> append_listener_;  // guarded by write_mutex_
};

}  // namespace gate::server
