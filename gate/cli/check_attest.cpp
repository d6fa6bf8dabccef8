#include "gate/cli/check_attest.hpp"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>

#include "attest/bytes.hpp"
#include "attest/dsse.hpp"
#include "attest/git_notes.hpp"
#include "attest/keys.hpp"
#include "attest/log_store.hpp"
#include "attest/logged_note.hpp"
#include "attest/remote_http.hpp"
#include "attest/remote_log.hpp"
#include "attest/remote_token.hpp"
#include "attest/statement.hpp"
#include "gate/types/atomic_write.hpp"
#include "gate/types/errors.hpp"

namespace gate {

namespace {

std::optional<std::string> environment(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

// A key from a file, or else the PEM itself from an environment variable (a CI secret).
std::optional<attest::PrivateKey> load_key(const std::string& path, const char* variable) {
  if (!path.empty()) return attest::PrivateKey::from_file(path);
  if (auto pem = environment(variable)) return attest::PrivateKey::from_pem(*pem, variable);
  return std::nullopt;
}

}  // namespace

struct AttestStage::State {
  std::string sign_key_path;
  std::string attestation_path;
  bool notes = false;
  std::string log_path;
  std::string log_key_path;
  std::string log_pub_path;    // a remote log's pinned key
  std::string log_state_path;  // where a remote log's last checkpoint is kept
  bool allow_shared_key = false;
  std::optional<attest::PrivateKey> sign_key;
  std::optional<attest::PrivateKey> log_key;
  std::string resolved_log_path;  // empty: no log
  // Prepared by prepare(), consumed by the commit steps.
  const SignedDecision* signed_decision = nullptr;
  git_repository* repo = nullptr;
  std::optional<StagedFile> attestation_file;
  std::optional<attest::LogStore> log;
  std::optional<uint64_t> log_index;  // set by append_to_log()
  // A `gate log serve` instead of a file: every answer is checked against the pinned key.
  std::optional<attest::RemoteLog> remote;
  std::optional<attest::LogCredential> credential;
  std::optional<attest::LogInclusion> remote_inclusion;  // from the checked append answer

  void load_remote(const std::string& url, const std::string& repository);
};

void AttestStage::State::load_remote(const std::string& url, const std::string& repository) {
  if (!log_key_path.empty() || allow_shared_key) {
    throw InputError(std::string(log_key_path.empty() ? "--allow-shared-key" : "--log-key") +
                         " is for a local log file, but the log is the service " + url +
                         ", which signs its own checkpoints",
                     "drop it, and pin the service's log key with --log-pub LOG.pub");
  }
  if (environment("GATE_LOG_KEY")) {
    spdlog::warn("GATE_LOG_KEY is ignored: the log service {} signs its own checkpoints", url);
  }
  remote.emplace(attest::RemoteLogOptions{url, attest::pinned_log_key(log_pub_path, url),
                                          log_state_path, repository});
  resolved_log_path = url;
}

AttestStage::AttestStage() : state_(std::make_unique<State>()) {}
AttestStage::~AttestStage() = default;

void AttestStage::add_options(CLI::App& check) {
  auto& s = *state_;
  check.add_option("--sign-key", s.sign_key_path,
                   "Sign the decision with this private key (PEM, Ed25519 or ECDSA P-256); or put "
                   "the PEM itself in GATE_SIGNING_KEY");
  check.add_option("--attestation", s.attestation_path,
                   "Write the signed attestation (DSSE envelope, in-toto Statement v1) here");
  check.add_flag("--notes", s.notes,
                 "Store the attestation as a git note on the head commit (refs/notes/gate)");
  check.add_option("--log", s.log_path,
                   "Append the attestation to this audit log: a file, a postgresql:// URL, or the "
                   "URL of a `gate log serve` (http(s)://...) (default: $GATE_LOG, else <git "
                   "dir>/gate/audit.db when "
                   "signing)");
  check.add_option("--log-pub", s.log_pub_path,
                   "A remote log's Ed25519 public key (or GATE_LOG_PUB): its checkpoints must be "
                   "signed by it");
  check.add_option("--log-state", s.log_state_path,
                   "File keeping the last checkpoint verified from a remote log (default: "
                   "$GATE_LOG_STATE, else <git dir>/gate/remote-checkpoints/<origin>)");
  check.add_option("--log-key", s.log_key_path,
                   "Ed25519 key that signs the log's checkpoints (or GATE_LOG_KEY); kept apart "
                   "from the signing key");
  check.add_flag("--allow-shared-key", s.allow_shared_key,
                 "Let one Ed25519 key sign both the decision and the log's checkpoints (refused "
                 "by default: whoever holds that one key could then rewrite the log)");
}

void AttestStage::load_keys(const std::string& repository) {
  auto& s = *state_;
  s.sign_key = load_key(s.sign_key_path, "GATE_SIGNING_KEY");
  std::string log_target = !s.log_path.empty() ? s.log_path : environment("GATE_LOG").value_or("");
  bool log_asked = !log_target.empty();
  if (!s.sign_key) {
    if (!s.attestation_path.empty() || s.notes || !s.log_path.empty()) {
      throw InputError(
          "--attestation, --notes and --log need a signing key",
          "pass --sign-key FILE or set GATE_SIGNING_KEY (make one with `gate keygen`)");
    }
    return;
  }
  if (attest::is_http_url(log_target)) {
    s.load_remote(log_target, repository);
    return;
  }
  s.log_key = load_key(s.log_key_path, "GATE_LOG_KEY");
  if (s.log_key && s.log_key->type() != attest::KeyType::ed25519) {
    throw InputError(s.log_key_path.empty() ? "GATE_LOG_KEY" : s.log_key_path, 0, 0,
                     "the log key must be Ed25519 (checkpoints are C2SP signed notes)",
                     "make one with `gate keygen --type ed25519 --out log`");
  }
  if (!s.log_key && s.allow_shared_key) {
    if (s.sign_key->type() != attest::KeyType::ed25519) {
      throw InputError("--allow-shared-key needs an Ed25519 signing key",
                       "pass an Ed25519 --log-key (make one with `gate keygen --type ed25519`)");
    }
    s.log_key = s.sign_key;
  }
  if (s.log_key && s.log_key->key_id() == s.sign_key->key_id() && !s.allow_shared_key) {
    throw InputError(s.log_key_path.empty() ? "GATE_LOG_KEY" : s.log_key_path, 0, 0,
                     "the log key is the signing key: whoever holds it could re-sign the log",
                     "make a separate log key with `gate keygen --type ed25519 --out log`, or "
                     "pass --allow-shared-key to use one key for both");
  }
  if (!s.log_key) {
    if (log_asked) {
      throw InputError("the audit log needs its own Ed25519 key for its checkpoints",
                       "pass --log-key FILE or set GATE_LOG_KEY (make one with `gate keygen "
                       "--type ed25519 --out log`)");
    }
    spdlog::warn(
        "the decision is signed but not logged: pass --log-key (or set GATE_LOG_KEY) to append "
        "it to an audit log");
    return;
  }
  s.resolved_log_path = !s.log_path.empty() ? s.log_path : attest::default_log_path(repository);
}

std::optional<SignedDecision> AttestStage::sign(const Decision& decision, int64_t now) const {
  const auto& s = *state_;
  if (!s.sign_key) return std::nullopt;
  attest::Envelope envelope = attest::sign_envelope(
      attest::kInTotoPayloadType, attest::to_statement(decision, now), *s.sign_key);
  SignedDecision signed_decision;
  signed_decision.commit = decision.head;
  signed_decision.envelope = attest::serialize_envelope(envelope);
  signed_decision.sha256 = attest::to_hex(attest::sha256(signed_decision.envelope));
  return signed_decision;
}

void AttestStage::prepare(const SignedDecision& signed_decision, git_repository* repo) {
  auto& s = *state_;
  s.signed_decision = &signed_decision;
  s.repo = repo;
  if (!s.attestation_path.empty()) {
    s.attestation_file.emplace(s.attestation_path);
    s.attestation_file->write(signed_decision.envelope);
  }
  if (s.notes) {
    if (!repo) throw InputError("--notes needs a git repository");
    attest::check_notes_ref_unlocked(repo);
  }
  if (s.remote) {
    // Reachable, and its latest checkpoint signed by the pinned key and consistent with the one
    // kept: a forked or rolled-back log is refused before the decision goes into it.
    // The credential first: a service with read_tokens lets the job read (health, checkpoint,
    // proofs) with the credential it appends with.
    s.credential = attest::log_credential_from_environment();
    if (!s.credential) {
      spdlog::warn(
          "no credential for the log service (GATE_LOG_TOKEN, GitHub Actions OIDC or "
          "GATE_ID_TOKEN): appending without one");
    } else {
      s.remote->set_read_token(s.credential->token);
    }
    s.remote->health();
    s.remote->latest_checkpoint();
    return;
  }
  // Last, since opening may create the log file.
  if (!s.resolved_log_path.empty()) {
    s.log.emplace(attest::LogStore::open(s.resolved_log_path, true));
    auto bound = s.log->log_public_key_pem();
    if (bound && *bound != s.log_key->public_key().pem()) {
      throw InputError(s.resolved_log_path, 0, 0,
                       "the log key " + s.log_key->key_id() + " is not the key of this log",
                       "use the log key this log was created with (--log-key or GATE_LOG_KEY)");
    }
  }
}

AttestationRef AttestStage::append_to_log() {
  auto& s = *state_;
  AttestationRef ref{s.attestation_path, s.signed_decision->sha256};
  if (s.remote) {
    attest::RemoteLog::Appended appended = s.remote->append(
        s.signed_decision->envelope, s.credential ? "Bearer " + s.credential->token : "");
    s.log_index = appended.seq;
    s.remote_inclusion = std::move(appended.inclusion);
    spdlog::info("attestation appended to {} as entry {} (proof checked)", s.remote->url(),
                 appended.seq);
    if (ref.location.empty()) ref.location = s.remote->url() + "#" + std::to_string(appended.seq);
  }
  if (s.log) {
    uint64_t seq = s.log->append(s.signed_decision->envelope, *s.log_key,
                                 attest::LogIdentity{"", s.allow_shared_key});
    s.log_index = seq;
    // The store's own name for itself: a database URL without its password.
    spdlog::info("attestation appended to {} as entry {}", s.log->path(), seq);
    if (ref.location.empty()) ref.location = s.log->path() + "#" + std::to_string(seq);
  }
  return ref;
}

void AttestStage::publish() {
  auto& s = *state_;
  if (s.attestation_file) s.attestation_file->publish();
  if (s.notes) {
    // Logged: the note carries its inclusion proof and checkpoint, so `gate verify` can tell from
    // the note alone that the log holds it (docs/attestation.md).
    std::string note = s.signed_decision->envelope;
    if (s.remote_inclusion) {
      note = attest::make_logged_note(note, *s.remote_inclusion);
    } else if (s.log_index) {
      note = attest::make_logged_note(note,
                                      attest::inclusion_in(*s.log, *s.log_index, *s.log_index + 1));
    }
    attest::write_note(s.repo, s.signed_decision->commit, note);
    spdlog::info("attestation stored as a note of {} under {}", s.signed_decision->commit,
                 attest::kNotesRef);
  }
}

}  // namespace gate
