#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/checkpoint.hpp"
#include "attest/keys.hpp"
#include "attest/log_store.hpp"
#include "attest/logged_note.hpp"
#include "attest/remote_answers.hpp"
#include "gate/types/errors.hpp"

// A client of `gate log serve` that verifies rather than trusts: every checkpoint must be signed
// by the pinned log key and extend the one this client kept for that origin (consistency proof),
// every leaf hash is recomputed from the envelope, every inclusion proof is checked (RFC 9162).
namespace gate::attest {

class HttpClient;

// The service answered, but what it answered does not prove what it claims: a tampered proof,
// checkpoint or leaf, a rollback, a fork. `seq` names the first entry concerned when known.
class RemoteLogRefusal : public InputError {
 public:
  explicit RemoteLogRefusal(std::string message, std::optional<uint64_t> seq = std::nullopt)
      : InputError(std::move(message)), seq_(seq) {}
  const std::optional<uint64_t>& seq() const { return seq_; }

 private:
  std::optional<uint64_t> seq_;
};

// Runs parse(body, where); a malformed answer proves nothing either, so its InputError becomes a
// RemoteLogRefusal.
template <typename Parse>
auto parse_or_refuse(Parse parse, const std::string& body, const std::string& where) {
  try {
    return parse(body, where);
  } catch (const RemoteLogRefusal&) {
    throw;
  } catch (const InputError& e) {
    throw RemoteLogRefusal(e.message());
  }
}

struct RemoteLogOptions {
  std::string url;               // http(s)://host[:port][/prefix]
  PublicKey log_key;             // pinned: checkpoints must be signed by it
  std::string state_file;        // --log-state; empty: $GATE_LOG_STATE, else the git dir
  std::string repository = ".";  // where the default state folder is looked up
};

// The pinned log key of a remote log: `flag` (--log-pub) else $GATE_LOG_PUB. Throws InputError
// (exit 2) with the fix when neither is given: a remote log is never trusted on its own word.
PublicKey pinned_log_key(const std::string& flag, const std::string& url);

class RemoteLog {
 public:
  explicit RemoteLog(RemoteLogOptions options);
  ~RemoteLog();
  RemoteLog(RemoteLog&&) noexcept;
  RemoteLog& operator=(RemoteLog&&) = delete;

  const std::string& url() const { return options_.url; }

  // The token every read carries as "Authorization: Bearer <token>" (a read token, or the
  // append credential: a service with read_tokens refuses reads without one). Until set, the
  // value of $GATE_LOG_TOKEN when there is one.
  void set_read_token(const std::string& token);

  // GET /healthz: the service answers and names the origin it serves.
  ServiceHealth health();

  // How a checkpoint may relate to the one kept: `latest` (the service's current view) must not
  // be older; `any` (an answer about an older size) may be, if proven a prefix of the kept one.
  enum class Age { latest, any };
  // Checks `note` (got from `where`): signed by the pinned key, of the origin the service names,
  // consistent with the kept checkpoint (a consistency proof fetched and checked); a newer
  // `latest` checkpoint then becomes the kept one. Throws RemoteLogRefusal when any fails.
  SignedCheckpoint accept_checkpoint(const std::string& note, const std::string& where, Age age);

  // GET /v1/checkpoint, accepted as `latest`; nullopt when the log is still empty.
  std::optional<SignedCheckpoint> latest_checkpoint();
  // The note latest_checkpoint() accepted last, as the service sent it (cosignatures included).
  const std::string& latest_checkpoint_note() const { return latest_note_; }

  struct Appended {
    uint64_t seq = 0;
    LogInclusion inclusion;  // the proof and checkpoint of the answer, for a logged note
  };
  // POST /v1/entries with `authorization` ("Bearer ..."), then checks the 201 answer: the leaf
  // hash is the envelope's, the inclusion proof leads to the root, the checkpoint signs that size
  // and root and is accepted. Throws InputError (not reachable, refused) or RemoteLogRefusal.
  Appended append(const std::string& envelope, const std::string& authorization);

  // GET /v1/entries/N; its leaf hash is recomputed from the envelope it carries.
  RemoteEntry entry(uint64_t seq);
  // The inclusion proof of entry `seq` (its envelope fetched, the leaf recomputed) in the tree of
  // `size` (default: the latest), checked against an accepted checkpoint of that size.
  InclusionAnswer inclusion(uint64_t seq, std::optional<uint64_t> size);
  // PROOF(old, new), checked against an accepted checkpoint of `new_size` (default: the latest).
  ConsistencyAnswer consistency(uint64_t old_size, std::optional<uint64_t> new_size);

  // Every page of GET /v1/entries for `query` (its `limit`: 0 for all), in the service's order,
  // checked to be strictly in (time, seq) order. The columns are the service's index, as a
  // local query's are: `gate log verify` proves them.
  std::vector<RemoteEntry> query(const LogQuery& query);

  // GET /v1/export, line by line as it arrives (not checked here: see remote_verify.hpp).
  void export_lines(const std::function<void(std::string_view)>& on_line);

 private:
  std::string state_path(const std::string& origin);
  const std::string& served_origin();

  RemoteLogOptions options_;
  std::unique_ptr<HttpClient> http_;
  std::optional<std::string> origin_;         // as /healthz names it
  std::optional<SignedCheckpoint> accepted_;  // the newest checkpoint accepted in this run
  std::string latest_note_;
};

}  // namespace gate::attest
