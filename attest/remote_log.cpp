#include "attest/remote_log.hpp"

#include <cstdlib>
#include <iostream>

#include "attest/merkle.hpp"
#include "attest/remote_http.hpp"
#include "attest/remote_state.hpp"
#include "attest/statement.hpp"

namespace gate::attest {

namespace {

std::vector<std::string> proof_bytes(const std::vector<Hash>& proof) {
  std::vector<std::string> out;
  for (const auto& hash : proof) out.emplace_back(as_bytes(hash));
  return out;
}

std::string size_text(uint64_t size) { return "size " + std::to_string(size); }

}  // namespace

PublicKey pinned_log_key(const std::string& flag, const std::string& url) {
  std::optional<PublicKey> key;
  if (!flag.empty()) {
    key = PublicKey::from_file(flag);
  } else if (const char* env = std::getenv("GATE_LOG_PUB"); env && *env) {
    std::string value = env;
    key = value.rfind("-----BEGIN", 0) == 0 ? PublicKey::from_pem(value, "GATE_LOG_PUB")
                                            : PublicKey::from_file(value);
  } else {
    throw InputError("the remote log " + url + " needs its pinned log key",
                     "pass --log-pub LOG.pub or set GATE_LOG_PUB (the log's Ed25519 public key, "
                     "from whoever runs the service): its checkpoints are checked against it, "
                     "never taken on the service's word");
  }
  if (key->type() != KeyType::ed25519) {
    throw InputError(flag.empty() ? "GATE_LOG_PUB" : flag, 0, 0,
                     "the log key must be Ed25519 (checkpoints are C2SP signed notes)");
  }
  return *key;
}

RemoteLog::RemoteLog(RemoteLogOptions options)
    : options_(std::move(options)), http_(std::make_unique<HttpClient>(options_.url)) {
  if (const char* token = std::getenv("GATE_LOG_TOKEN"); token && *token) set_read_token(token);
}

void RemoteLog::set_read_token(const std::string& token) {
  http_->set_read_authorization(token.empty() ? std::string() : "Bearer " + token);
}
RemoteLog::~RemoteLog() = default;
RemoteLog::RemoteLog(RemoteLog&&) noexcept = default;

ServiceHealth RemoteLog::health() {
  HttpAnswer answer = http_->get("/healthz");
  std::string where = http_->url("/healthz");
  if (answer.status != 200) throw_unexpected_answer(where, "checking the log service", answer);
  ServiceHealth health = parse_health(answer.body, where);
  origin_ = health.origin;
  return health;
}

const std::string& RemoteLog::served_origin() {
  if (!origin_) health();
  return *origin_;
}

std::string RemoteLog::state_path(const std::string& origin) {
  return kept_checkpoint_path(options_.state_file, options_.repository, origin);
}

namespace {

// Checks that `newer` extends `older` with a consistency proof the service gives; one of the two
// is the kept checkpoint (`kept_where` names it).
void prove_extends(HttpClient& http, const SignedCheckpoint& older, const SignedCheckpoint& newer,
                   bool newer_is_kept, const std::string& kept_where, const std::string& where) {
  std::string path = "/v1/proof/consistency?old=" + std::to_string(older.checkpoint.size) +
                     "&new=" + std::to_string(newer.checkpoint.size);
  HttpAnswer answer = http.get(path);
  if (answer.status != 200) {
    throw_unexpected_answer(http.url(path), "asking for a consistency proof", answer);
  }
  ConsistencyAnswer proof = parse_or_refuse(parse_consistency_answer, answer.body, http.url(path));
  if (proof.old_size != older.checkpoint.size || proof.new_size != newer.checkpoint.size) {
    throw RemoteLogRefusal(http.url(path) + ": the consistency proof is about other tree sizes");
  }
  std::optional<std::string> problem;
  if (proof.old_root != older.checkpoint.root || proof.new_root != newer.checkpoint.root) {
    problem = "its roots are not those the checkpoints sign";
  } else {
    problem = merkle::verify_consistency(older.checkpoint.size, newer.checkpoint.size,
                                         proof_bytes(proof.proof), as_bytes(older.checkpoint.root),
                                         as_bytes(newer.checkpoint.root));
  }
  if (!problem) return;
  std::string what = newer_is_kept ? "the checkpoint of " + size_text(older.checkpoint.size) +
                                         " is not a prefix of the checkpoint " + kept_where
                                   : "the log at " + size_text(newer.checkpoint.size) +
                                         " does not extend the checkpoint " + kept_where;
  throw RemoteLogRefusal(where + ": " + what + " (consistency proof: " + *problem +
                         "): it was forked or rewritten");
}

}  // namespace

SignedCheckpoint RemoteLog::accept_checkpoint(const std::string& note, const std::string& where,
                                              Age age) {
  SignedCheckpoint checkpoint;
  try {
    checkpoint = parse_checkpoint(note, where);
  } catch (const InputError& e) {
    throw RemoteLogRefusal(where + ": the checkpoint is not a signed checkpoint: " + e.message());
  }
  const Checkpoint& got = checkpoint.checkpoint;
  if (!checkpoint_signed_by(checkpoint, options_.log_key)) {
    throw RemoteLogRefusal(where + ": the checkpoint (" + size_text(got.size) +
                           ") is not signed by the pinned log key " +
                           options_.log_key.key_id().substr(0, 16) +
                           ": forged, altered, or another log");
  }
  if (got.origin != served_origin()) {
    throw RemoteLogRefusal(where + ": the checkpoint names the log '" + got.origin +
                           "', but the service serves '" + served_origin() + "'");
  }
  std::string path = state_path(got.origin);
  std::optional<SignedCheckpoint> kept = accepted_;
  std::optional<uint64_t> on_disk_size;
  if (auto text = read_kept_checkpoint(path)) {
    SignedCheckpoint on_disk;
    std::string fix = "remove the file to trust the service's next checkpoint on first use again";
    try {
      on_disk = parse_checkpoint(*text, path);
    } catch (const InputError& e) {
      throw InputError(path, 0, 0, "the kept checkpoint is damaged: " + e.message(), fix);
    }
    if (!checkpoint_signed_by(on_disk, options_.log_key)) {
      throw InputError(path, 0, 0, "the kept checkpoint is not signed by the pinned log key", fix);
    }
    if (on_disk.checkpoint.origin != got.origin) {
      throw RemoteLogRefusal(where + ": the service's log '" + got.origin + "' is not the log '" +
                             on_disk.checkpoint.origin + "' whose checkpoint is kept in " + path);
    }
    on_disk_size = on_disk.checkpoint.size;
    if (!kept || on_disk.checkpoint.size > kept->checkpoint.size) kept = std::move(on_disk);
  }
  if (!kept) {
    keep_checkpoint(path, note);
    std::cerr << "gate: note: first contact with the log '" << got.origin << "' at " << options_.url
              << ": its checkpoint of " << size_text(got.size)
              << " is trusted on first use and kept in " << path
              << "; from now on the log must extend it\n";
    accepted_ = checkpoint;
    return checkpoint;
  }
  const Checkpoint& old = kept->checkpoint;
  std::string kept_where = "of " + size_text(old.size) + " kept in " + path;
  if (got.size == old.size) {
    if (got.root != old.root) {
      throw RemoteLogRefusal(where + ": the checkpoint of " + size_text(got.size) +
                             " has another root than the checkpoint " + kept_where +
                             ": a fork or split view of the log");
    }
  } else if (got.size < old.size) {
    if (age == Age::latest) {
      throw RemoteLogRefusal(where + ": the service's latest checkpoint has " +
                             size_text(got.size) + ", older than the checkpoint " + kept_where +
                             ": the log was rolled back or truncated");
    }
    prove_extends(*http_, checkpoint, *kept, true, kept_where, where);
  } else {
    prove_extends(*http_, *kept, checkpoint, false, kept_where, where);
    if (!on_disk_size || got.size > *on_disk_size) keep_checkpoint(path, note);
  }
  if (!accepted_ || got.size > accepted_->checkpoint.size) accepted_ = checkpoint;
  return checkpoint;
}

std::optional<SignedCheckpoint> RemoteLog::latest_checkpoint() {
  HttpAnswer answer = http_->get("/v1/checkpoint");
  std::string where = http_->url("/v1/checkpoint");
  if (answer.status == 404 && service_refusal_text(answer.body).rfind("empty_log", 0) == 0) {
    return std::nullopt;
  }
  if (answer.status != 200) throw_unexpected_answer(where, "reading the checkpoint", answer);
  SignedCheckpoint checkpoint = accept_checkpoint(answer.body, where, Age::latest);
  latest_note_ = answer.body;
  return checkpoint;
}

RemoteLog::Appended RemoteLog::append(const std::string& envelope,
                                      const std::string& authorization) {
  HttpAnswer answer = http_->post("/v1/entries", envelope, authorization);
  std::string where = http_->url("/v1/entries");
  if (answer.status != 201) throw_unexpected_answer(where, "appending the decision", answer);
  AppendAnswer appended = parse_or_refuse(parse_append_answer, answer.body, where);
  Hash leaf = merkle::leaf_hash(envelope);
  std::string entry = "entry " + std::to_string(appended.seq);
  if (appended.leaf_hash != leaf) {
    throw RemoteLogRefusal(where + ": the leaf hash of " + entry +
                               " is not SHA-256(0x00 || the envelope sent): the service logged "
                               "other bytes, or altered its answer",
                           appended.seq);
  }
  std::vector<std::string> proof = proof_bytes(appended.inclusion_proof);
  if (auto problem = merkle::verify_inclusion(appended.seq, appended.tree_size, as_bytes(leaf),
                                              proof, as_bytes(appended.root))) {
    throw RemoteLogRefusal(where + ": the inclusion proof of " + entry + " does not lead to the " +
                               "root of " + size_text(appended.tree_size) + ": " + *problem,
                           appended.seq);
  }
  SignedCheckpoint checkpoint = accept_checkpoint(appended.checkpoint, where, Age::any);
  if (checkpoint.checkpoint.size != appended.tree_size ||
      checkpoint.checkpoint.root != appended.root) {
    throw RemoteLogRefusal(where + ": the checkpoint does not sign the tree the inclusion proof " +
                               "of " + entry + " leads to (" + size_text(appended.tree_size) + ")",
                           appended.seq);
  }
  return {appended.seq, LogInclusion{appended.seq, std::move(proof), appended.checkpoint}};
}

RemoteEntry RemoteLog::entry(uint64_t seq) {
  std::string path = "/v1/entries/" + std::to_string(seq);
  std::string where = http_->url(path);
  HttpAnswer answer = http_->get(path);
  if (answer.status == 404) throw InputError(where + ": no entry " + std::to_string(seq));
  if (answer.status != 200) throw_unexpected_answer(where, "reading the entry", answer);
  RemoteEntry entry = parse_or_refuse(parse_entry_answer, answer.body, where);
  if (entry.entry.seq != seq) {
    throw RemoteLogRefusal(where + ": the answer is entry " + std::to_string(entry.entry.seq), seq);
  }
  if (entry.leaf_hash != merkle::leaf_hash(entry.entry.envelope)) {
    throw RemoteLogRefusal(where + ": the leaf hash of entry " + std::to_string(seq) +
                               " is not SHA-256(0x00 || its envelope)",
                           seq);
  }
  return entry;
}

InclusionAnswer RemoteLog::inclusion(uint64_t seq, std::optional<uint64_t> size) {
  Hash leaf = entry(seq).leaf_hash;
  std::string path = "/v1/proof/inclusion?seq=" + std::to_string(seq) +
                     (size ? "&size=" + std::to_string(*size) : std::string());
  std::string where = http_->url(path);
  HttpAnswer answer = http_->get(path);
  if (answer.status != 200) throw_unexpected_answer(where, "asking for an inclusion proof", answer);
  InclusionAnswer proof = parse_or_refuse(parse_inclusion_answer, answer.body, where);
  std::string entry_name = "entry " + std::to_string(seq);
  if (proof.leaf_index != seq || (size && proof.tree_size != *size)) {
    throw RemoteLogRefusal(where + ": the proof is about another entry or tree size", seq);
  }
  if (proof.leaf_hash != leaf) {
    throw RemoteLogRefusal(
        where + ": the leaf hash is not the hash of " + entry_name + "'s envelope", seq);
  }
  if (!proof.checkpoint) throw RemoteLogRefusal(where + ": the proof carries no checkpoint", seq);
  SignedCheckpoint checkpoint =
      accept_checkpoint(*proof.checkpoint, where, size ? Age::any : Age::latest);
  if (checkpoint.checkpoint.size != proof.tree_size || checkpoint.checkpoint.root != proof.root) {
    throw RemoteLogRefusal(where + ": the checkpoint does not sign the proof's tree (" +
                               size_text(proof.tree_size) + ")",
                           seq);
  }
  if (auto problem = merkle::verify_inclusion(seq, proof.tree_size, as_bytes(leaf),
                                              proof_bytes(proof.proof), as_bytes(proof.root))) {
    throw RemoteLogRefusal(where + ": the inclusion proof of " + entry_name +
                               " does not lead to the root of " + size_text(proof.tree_size) +
                               ": " + *problem,
                           seq);
  }
  return proof;
}

ConsistencyAnswer RemoteLog::consistency(uint64_t old_size, std::optional<uint64_t> new_size) {
  std::string path = "/v1/proof/consistency?old=" + std::to_string(old_size) +
                     (new_size ? "&new=" + std::to_string(*new_size) : std::string());
  std::string where = http_->url(path);
  HttpAnswer answer = http_->get(path);
  if (answer.status != 200) {
    throw_unexpected_answer(where, "asking for a consistency proof", answer);
  }
  ConsistencyAnswer proof = parse_or_refuse(parse_consistency_answer, answer.body, where);
  if (proof.old_size != old_size || (new_size && proof.new_size != *new_size)) {
    throw RemoteLogRefusal(where + ": the proof is about other tree sizes");
  }
  if (!proof.checkpoint) throw RemoteLogRefusal(where + ": the proof carries no checkpoint");
  SignedCheckpoint checkpoint =
      accept_checkpoint(*proof.checkpoint, where, new_size ? Age::any : Age::latest);
  if (checkpoint.checkpoint.size != proof.new_size ||
      checkpoint.checkpoint.root != proof.new_root) {
    throw RemoteLogRefusal(where + ": the checkpoint does not sign the proof's new tree");
  }
  if (auto problem =
          merkle::verify_consistency(old_size, proof.new_size, proof_bytes(proof.proof),
                                     as_bytes(proof.old_root), as_bytes(proof.new_root))) {
    throw RemoteLogRefusal(where + ": the consistency proof does not verify: " + *problem);
  }
  return proof;
}

void RemoteLog::export_lines(const std::function<void(std::string_view)>& on_line) {
  http_->get_lines("/v1/export", on_line);
}

}  // namespace gate::attest
