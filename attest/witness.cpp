#include "attest/witness.hpp"

#include <filesystem>

#include "attest/checkpoint.hpp"
#include "attest/cosignature.hpp"
#include "attest/merkle.hpp"
#include "gate/types/errors.hpp"

namespace gate::attest {

namespace {
constexpr int kBusyTimeoutMs = 30000;

WitnessReply reply(int status, std::string body) {
  WitnessReply out;
  out.status = status;
  out.body = std::move(body);
  if (!out.body.empty() && out.body.back() != '\n') out.body += '\n';
  return out;
}
}  // namespace

Witness::Witness(std::string name, PrivateKey key, std::map<std::string, PublicKey> logs,
                 const std::string& state_path)
    : name_(std::move(name)),
      key_(std::move(key)),
      logs_(std::move(logs)),
      state_path_(state_path) {
  if (auto problem = origin_problem(name_)) {
    throw InputError("--name '" + name_ + "' is not a witness name: " + *problem,
                     "use a schema-less URL-like name, such as witness.example.com/w1");
  }
  if (key_.type() != KeyType::ed25519) {
    throw InputError("a witness key must be an Ed25519 key (cosignature/v1)",
                     "make one with `gate keygen --type ed25519 --out witness`");
  }
  std::error_code error;
  auto parent = std::filesystem::path(state_path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  sqlite3* raw = nullptr;
  int code =
      sqlite3_open_v2(state_path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  db_.reset(raw);
  if (code != SQLITE_OK) {
    throw InputError(state_path, 0, 0,
                     std::string("cannot open the witness state: ") + sqlite3_errstr(code),
                     "check the path and its permissions");
  }
  sqlite3_busy_timeout(db_.get(), kBusyTimeoutMs);
  try {
    sql::exec(db_.get(), "PRAGMA synchronous=FULL");
    sql::exec(db_.get(),
              "CREATE TABLE IF NOT EXISTS witnessed(origin TEXT PRIMARY KEY, size INTEGER NOT "
              "NULL, root BLOB NOT NULL, checkpoint TEXT NOT NULL)");
  } catch (const std::exception& e) {
    throw InputError(state_path, 0, 0, std::string("not a usable witness state: ") + e.what(),
                     "pass --state a file this witness owns");
  }
}

WitnessReply Witness::add_checkpoint(std::string_view body, uint64_t now) {
  AddCheckpointRequest request;
  SignedCheckpoint checkpoint;
  try {
    request = parse_add_checkpoint(body, "request");
    checkpoint = parse_checkpoint(request.checkpoint, "request checkpoint");
  } catch (const InputError& e) {
    return reply(400, e.message());
  }
  const Checkpoint& submitted = checkpoint.checkpoint;
  auto log = logs_.find(submitted.origin);
  if (log == logs_.end()) return reply(404, "unknown log origin: " + submitted.origin);
  if (!checkpoint_signed_by(checkpoint, log->second)) {
    return reply(
        403, "the checkpoint is not signed by the key this witness trusts for " + submitted.origin);
  }
  if (request.old_size > submitted.size) {
    return reply(400, "old size " + std::to_string(request.old_size) +
                          " is larger than the checkpoint size " + std::to_string(submitted.size));
  }
  // Reading the latest cosigned size and storing the new one in one write transaction: two
  // requests racing cannot roll the state back.
  sql::Transaction transaction(db_.get());
  uint64_t known_size = 0;
  std::string known_root;
  {
    sql::Statement read(db_.get(), "SELECT size, root FROM witnessed WHERE origin = ?");
    read.bind(1, submitted.origin);
    if (read.step()) {
      known_size = static_cast<uint64_t>(read.integer(0));
      known_root = std::string(read.blob(1));
    }
  }
  if (request.old_size != known_size) {
    WitnessReply conflict = reply(409, std::to_string(known_size));
    conflict.content_type = "text/x.tlog.size";
    return conflict;
  }
  std::string_view new_root = as_bytes(submitted.root);
  if (known_size == submitted.size) {
    if (known_size > 0 && known_root != new_root) {
      WitnessReply conflict = reply(409, std::to_string(known_size));
      conflict.content_type = "text/x.tlog.size";
      return conflict;
    }
  } else if (known_size > 0) {
    if (auto problem = merkle::verify_consistency(known_size, submitted.size, request.proof,
                                                  known_root, new_root)) {
      return reply(422, "the checkpoint does not extend the one cosigned at size " +
                            std::to_string(known_size) + ": " + *problem);
    }
  }
  sql::Statement store(db_.get(),
                       "INSERT INTO witnessed(origin, size, root, checkpoint) VALUES(?, ?, ?, ?) "
                       "ON CONFLICT(origin) DO UPDATE SET size = excluded.size, "
                       "root = excluded.root, checkpoint = excluded.checkpoint");
  store.bind(1, submitted.origin)
      .bind(2, static_cast<int64_t>(submitted.size))
      .bind_blob(3, new_root)
      .bind(4, request.checkpoint)
      .run();
  transaction.commit();
  WitnessReply ok = reply(200, cosign_checkpoint(checkpoint, key_, name_, now));
  return ok;
}

}  // namespace gate::attest
