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
#include "attest/statement.hpp"
#include "gate/types/atomic_write.hpp"
#include "gate/types/errors.hpp"
#include "gate/types/severity.hpp"

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

nlohmann::json ci_json(const CiContext& context) {
  return {{"provider", context.provider},     {"event", context.event},
          {"repository", context.repository}, {"serverUrl", context.server_url},
          {"runUrl", context.run_url},        {"actor", context.actor},
          {"changeId", context.change_id},    {"targetBranch", context.target_branch}};
}

}  // namespace

// The predicate of https://gate-ci.dev/attestation/decision/v1 (docs/attestation.md). It holds
// counts and identifiers only, never finding contents, so no secret can reach the log.
nlohmann::json decision_predicate(const Report& report, int64_t now) {
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& rule : report.rules) {
    rules.push_back({{"id", rule.id},
                     {"type", rule.type},
                     {"severity", std::string(to_string(rule.severity))},
                     {"status", rule.status},
                     {"findings", rule.findings},
                     {"waived", rule.waived}});
  }
  nlohmann::json waivers = nlohmann::json::array();
  for (const auto& waiver : report.waivers) {
    waivers.push_back({{"rule", waiver.rule},
                       {"paths", waiver.paths},
                       {"fingerprint", waiver.fingerprint},
                       {"reason", waiver.reason},
                       {"approvedBy", waiver.approved_by},
                       {"expires", waiver.expires},
                       {"matched", waiver.matched},
                       {"expired", waiver.expired}});
  }
  std::string repository =
      report.context.repository.empty() ? report.repository_path : report.context.repository;
  return {{"repository", repository},
          {"base", report.base},
          {"head", report.head},
          {"mergeBase", report.merge_base},
          {"policy",
           {{"source", report.policy.source},
            {"path", report.policy.path},
            {"sha256", report.policy.sha256},
            {"revision", report.policy.revision},
            {"overridden", report.policy.overridden}}},
          {"mode", report.mode},
          {"verdict", report.verdict},
          {"exitCode", report.exit_code},
          {"filesChanged", report.files_changed},
          {"commits", report.commits},
          {"findings",
           {{"error", report.count(Severity::error)},
            {"warning", report.count(Severity::warning)},
            {"notice", report.count(Severity::notice)},
            {"waived", report.waived_count()}}},
          {"rules", rules},
          {"waivers", waivers},
          {"ci", ci_json(report.context)},
          {"tool", {{"name", "gate"}, {"version", report.tool_version}}},
          {"time", attest::format_time(now)}};
}

struct AttestStage::State {
  std::string sign_key_path;
  std::string attestation_path;
  bool notes = false;
  std::string log_path;
  std::string log_key_path;
  std::optional<attest::PrivateKey> sign_key;
  std::optional<attest::PrivateKey> log_key;
  std::string resolved_log_path;  // empty: no log
};

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
                   "Append the attestation to this audit log (default: $GATE_LOG, else "
                   "<git dir>/gate/audit.db when signing)");
  check.add_option("--log-key", s.log_key_path,
                   "Ed25519 key that signs the log's checkpoints (or GATE_LOG_KEY; default: the "
                   "signing key when it is Ed25519)");
}

void AttestStage::prepare() {
  auto& s = *state_;
  s.sign_key = load_key(s.sign_key_path, "GATE_SIGNING_KEY");
  bool log_asked = !s.log_path.empty() || environment("GATE_LOG").has_value();
  if (!s.sign_key) {
    if (!s.attestation_path.empty() || s.notes || !s.log_path.empty()) {
      throw InputError(
          "--attestation, --notes and --log need a signing key",
          "pass --sign-key FILE or set GATE_SIGNING_KEY (make one with `gate keygen`)");
    }
    return;
  }
  s.log_key = load_key(s.log_key_path, "GATE_LOG_KEY");
  if (s.log_key && s.log_key->type() != attest::KeyType::ed25519) {
    throw InputError(s.log_key_path.empty() ? "GATE_LOG_KEY" : s.log_key_path, 0, 0,
                     "the log key must be Ed25519 (checkpoints are C2SP signed notes)",
                     "make one with `gate keygen --type ed25519 --out log`");
  }
  if (!s.log_key && s.sign_key->type() == attest::KeyType::ed25519) s.log_key = s.sign_key;
  if (!s.log_key) {
    if (log_asked) {
      throw InputError("the audit log needs an Ed25519 key for its checkpoints",
                       "pass --log-key FILE or set GATE_LOG_KEY");
    }
    spdlog::warn(
        "the decision is signed but not logged: an ECDSA key cannot sign checkpoints; "
        "pass --log-key to log it");
    return;
  }
  s.resolved_log_path = !s.log_path.empty() ? s.log_path : attest::default_log_path();
}

void AttestStage::record(Report& report, git_repository* repo, int64_t now) {
  auto& s = *state_;
  if (!s.sign_key) return;
  std::string statement = attest::make_statement(report.head, decision_predicate(report, now));
  attest::Envelope envelope =
      attest::sign_envelope(attest::kInTotoPayloadType, std::move(statement), *s.sign_key);
  std::string bytes = attest::serialize_envelope(envelope);
  report.attestation_digest = attest::to_hex(attest::sha256(bytes));
  if (!s.attestation_path.empty()) {
    write_file_atomically(s.attestation_path, bytes);
    report.attestation_path = s.attestation_path;
  }
  if (s.notes) {
    if (!repo) throw InputError("--notes needs a git repository");
    attest::write_note(repo, report.head, bytes);
    spdlog::info("attestation stored as a note of {} under {}", report.head, attest::kNotesRef);
  }
  if (!s.resolved_log_path.empty()) {
    attest::LogStore log = attest::LogStore::open(s.resolved_log_path, true);
    uint64_t seq = log.append(bytes, *s.log_key);
    spdlog::info("attestation appended to {} as entry {}", s.resolved_log_path, seq);
    if (!report.attestation_path)
      report.attestation_path = s.resolved_log_path + "#" + std::to_string(seq);
  }
}

}  // namespace gate
