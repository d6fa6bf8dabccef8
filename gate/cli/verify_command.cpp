#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <optional>

#include "attest/checkpoint.hpp"
#include "attest/dsse.hpp"
#include "attest/git_notes.hpp"
#include "attest/keys.hpp"
#include "attest/log_store.hpp"
#include "attest/log_verify.hpp"
#include "attest/logged_note.hpp"
#include "attest/notes_sync.hpp"
#include "attest/remote_http.hpp"
#include "attest/remote_log.hpp"
#include "attest/statement.hpp"
#include "gate/cli/commands.hpp"
#include "gate/cli/log_remote.hpp"
#include "gate/cli/log_verdict.hpp"
#include "gate/engine/git.hpp"
#include "gate/types/errors.hpp"

namespace gate::cli {

namespace {
struct VerifyOptions {
  std::string commit = "HEAD";
  std::vector<std::string> trust;
  std::string log;
  std::string log_pub;
  std::string log_state;
  std::string checkpoint;
  std::string attestation;
  std::string repo = ".";
  bool allow_unlogged = false;
  WitnessFlags witness;
};

struct Verdict {
  bool verified = false;
  std::string text;  // the line printed on stdout
};

Verdict refuse(const std::string& why) { return {false, "not verified: " + why}; }

// nullopt when the signed decision proves the commit passed; else the reason it does not.
std::optional<std::string> judge(const attest::Envelope& envelope,
                                 const attest::DecisionSummary& summary, const std::string& commit,
                                 const std::vector<attest::PublicKey>& trusted,
                                 std::string& signer) {
  attest::EnvelopeCheck check = attest::verify_envelope(envelope, trusted);
  if (!check.ok) return "the attestation is " + check.reason;
  signer = check.key_id;
  if (summary.predicate_type != attest::kDecisionPredicateType) {
    return "predicate type is '" + summary.predicate_type + "', expected " +
           attest::kDecisionPredicateType;
  }
  if (auto problem = attest::decision_is_about(summary, commit)) return problem;
  if (summary.verdict != "pass") return "the gate's verdict was '" + summary.verdict + "'";
  return std::nullopt;
}

bool names_commit(const attest::DecisionSummary& summary, const std::string& commit) {
  if (summary.head == commit) return true;
  for (const auto& subject : summary.subject_commits) {
    if (subject == commit) return true;
  }
  return false;
}

std::optional<attest::PublicKey> pinned_log_key(const VerifyOptions& options) {
  if (options.log_pub.empty()) return std::nullopt;
  return attest::PublicKey::from_file(options.log_pub);
}

std::optional<std::string> read_verifier_checkpoint(const VerifyOptions& options) {
  if (options.checkpoint.empty()) return std::nullopt;
  std::string text = read_text_file(options.checkpoint);
  attest::parse_checkpoint(text, options.checkpoint);  // malformed: exit 2
  return text;
}

// Log-backed: the whole log verifies (one snapshot, witnesses when given), and the decision
// that counts is the last one in log order that names the commit.
Verdict verify_from_log(const VerifyOptions& options, const std::string& commit,
                        const std::vector<attest::PublicKey>& trusted) {
  attest::LogStore log = attest::LogStore::open(options.log, false);
  attest::LogVerifyOptions verify;
  verify.log_key = pinned_log_key(options);
  if (auto checkpoint = read_verifier_checkpoint(options)) {
    verify.old_checkpoint = *checkpoint;
    verify.old_checkpoint_name = options.checkpoint;
  }
  WitnessPolicy policy = witness_policy(options.witness);
  verify.witnesses = std::move(policy.witnesses);
  verify.min_witnesses = policy.min_witnesses;
  struct Latest {
    uint64_t seq;
    attest::Envelope envelope;
    attest::DecisionSummary summary;
  };
  std::optional<Latest> latest;
  size_t decisions = 0;
  verify.visit = [&](const attest::LogEntry& entry, const attest::Envelope& envelope,
                     const attest::DecisionSummary& summary) {
    if (!names_commit(summary, commit)) return;
    ++decisions;
    latest = Latest{entry.seq, envelope, summary};
  };
  attest::LogVerifyResult result = attest::verify_log(log, verify);
  for (const auto& note : result.notes) {
    if (note.rfind("envelope signatures not checked", 0) != 0) {
      std::cerr << "gate: note: " << note << "\n";
    }
  }
  if (!result.ok) {
    std::string state = result.unconfirmed ? "is not confirmed by its witnesses" : "is broken";
    return refuse("the audit log " + log.path() + " " + state + ": " + result.problem);
  }
  if (!latest) return refuse("no decision for commit " + commit + " in " + log.path());
  std::string where = log.path() + " entry " + std::to_string(latest->seq) + ", the last of " +
                      std::to_string(decisions) + " for this commit";
  std::string signer;
  if (auto reason = judge(latest->envelope, latest->summary, commit, trusted, signer)) {
    return refuse(*reason + " (" + where + ")");
  }
  return {true, "verified: commit " + commit + " passed the gate, signed by key " + signer + " (" +
                    where + ")"};
}

// A log service: the last decision for the commit is found through the query API, its envelope
// fetched (leaf hash recomputed) and its inclusion proven in the latest checkpoint signed by the
// pinned key and consistent with the one this client kept.
Verdict verify_from_remote(const VerifyOptions& options, const std::string& url,
                           const std::string& commit,
                           const std::vector<attest::PublicKey>& trusted) {
  attest::PublicKey log_key = attest::pinned_log_key(options.log_pub, url);
  std::optional<std::string> held = read_verifier_checkpoint(options);
  WitnessPolicy policy = witness_policy(options.witness);
  attest::RemoteLog log = open_remote_log(url, {options.log_pub, options.log_state, options.repo});
  std::string where;
  attest::Envelope envelope;
  attest::DecisionSummary summary;
  try {
    attest::LogQuery query;
    query.commit = commit;
    std::optional<uint64_t> last;
    size_t decisions = 0;
    for (const auto& found : log.query(query)) {
      if (found.entry.head != commit) continue;
      ++decisions;
      if (!last || found.entry.seq > *last) last = found.entry.seq;
    }
    if (!last) return refuse("no decision for commit " + commit + " in " + url);
    attest::RemoteEntry entry = log.entry(*last);
    attest::InclusionAnswer proof = log.inclusion(*last, std::nullopt);
    where = url + " entry " + std::to_string(*last) + ", the last of " + std::to_string(decisions) +
            " for this commit, proven in the checkpoint of size " + std::to_string(proof.tree_size);
    try {
      envelope = attest::parse_envelope(entry.entry.envelope, where);
      summary = attest::summarize_decision(envelope, where);
    } catch (const InputError& e) {
      return refuse(e.message());
    }
    if (!names_commit(summary, commit)) {
      return refuse("the entry the service found is not a decision about commit " + commit + " (" +
                    where + ")");
    }
    if (held) {
      if (auto problem = remote_log_extends(log, *held, options.checkpoint, log_key)) {
        return refuse("the audit log " + url + " is broken: " + *problem);
      }
    }
    size_t cosigned = 0;
    std::string refusals;
    attest::ConsistencyProver prove =
        [&log](uint64_t old_size, uint64_t new_size) -> std::optional<std::vector<attest::Hash>> {
      return log.consistency(old_size, new_size).proof;
    };
    for (const auto& witness : policy.witnesses) {
      attest::CosignOutcome outcome =
          attest::request_cosignature(witness, *proof.checkpoint, prove);
      if (outcome.kind == attest::CosignOutcome::Kind::conflict) {
        return refuse("the audit log " + url + " is broken: " + outcome.message);
      }
      if (outcome.kind == attest::CosignOutcome::Kind::cosigned) {
        ++cosigned;
      } else {
        refusals += "; " + outcome.message;
      }
    }
    if (cosigned < policy.min_witnesses) {
      return refuse("the audit log " + url + " is not confirmed by its witnesses: " +
                    std::to_string(cosigned) + " of " + std::to_string(policy.witnesses.size()) +
                    " cosigned, " + std::to_string(policy.min_witnesses) + " needed" + refusals);
    }
  } catch (const attest::RemoteLogRefusal& refusal) {
    return refuse("the audit log " + url + " is broken: " + refusal.message());
  }
  std::string signer;
  if (auto reason = judge(envelope, summary, commit, trusted, signer)) {
    return refuse(*reason + " (" + where + ")");
  }
  return {true, "verified: commit " + commit + " passed the gate, signed by key " + signer + " (" +
                    where + ")"};
}

// A note or file on its own proves the decision is the latest only when it carries its log
// inclusion proof into a checkpoint at least as new as the one the verifier holds.
std::optional<std::string> check_note_freshness(const VerifyOptions& options,
                                                const attest::LoggedNote& note) {
  auto log_key = pinned_log_key(options);
  if (!log_key) {
    return "a logged note needs --log-pub (the log key its checkpoint is signed with)";
  }
  if (auto problem = attest::check_inclusion(note, *log_key)) return problem;
  attest::SignedCheckpoint ours =
      attest::parse_checkpoint(note.inclusion->checkpoint, "note checkpoint");
  if (auto text = read_verifier_checkpoint(options)) {
    attest::SignedCheckpoint theirs = attest::parse_checkpoint(*text, options.checkpoint);
    if (!attest::checkpoint_signed_by(theirs, *log_key) ||
        theirs.checkpoint.origin != ours.checkpoint.origin) {
      return options.checkpoint + " is not a checkpoint of this log";
    }
    if (ours.checkpoint.size < theirs.checkpoint.size) {
      return "the note's checkpoint (size " + std::to_string(ours.checkpoint.size) +
             ") is older than " + options.checkpoint + " (size " +
             std::to_string(theirs.checkpoint.size) +
             "): a later decision may exist; verify with --log";
    }
    if (ours.checkpoint.size == theirs.checkpoint.size &&
        ours.checkpoint.root != theirs.checkpoint.root) {
      return "the note's checkpoint and " + options.checkpoint +
             " sign different roots for one size: a split view";
    }
  }
  WitnessPolicy policy = witness_policy(options.witness);
  size_t cosigned = 0;
  std::string refusals;
  attest::ConsistencyProver no_log = [](uint64_t, uint64_t) {
    return std::optional<std::vector<attest::Hash>>();
  };
  for (const auto& witness : policy.witnesses) {
    attest::CosignOutcome outcome =
        attest::request_cosignature(witness, note.inclusion->checkpoint, no_log);
    if (outcome.kind == attest::CosignOutcome::Kind::conflict) return outcome.message;
    if (outcome.kind == attest::CosignOutcome::Kind::cosigned) {
      ++cosigned;
    } else {
      refusals += "; " + outcome.message;
    }
  }
  if (cosigned < policy.min_witnesses) {
    return std::to_string(cosigned) + " of " + std::to_string(policy.witnesses.size()) +
           " witnesses confirmed the note's checkpoint is the latest, " +
           std::to_string(policy.min_witnesses) + " needed" + refusals;
  }
  return std::nullopt;
}

Verdict verify_from_note(const VerifyOptions& options, git_repository* repo,
                         const std::string& commit, const std::vector<attest::PublicKey>& trusted) {
  std::optional<std::string> text;
  std::string where;
  if (!options.attestation.empty()) {
    text = read_text_file(options.attestation);
    where = options.attestation;
  } else {
    text = attest::read_note(repo, commit);
    // Runners that attested the same commit each left a line (gate notes push keeps both).
    if (text) text = attest::latest_attestation(*text);
    where = attest::kNotesRef;
  }
  if (!text) return refuse("no attestation for commit " + commit + " in " + where);
  attest::LoggedNote note;
  attest::Envelope envelope;
  attest::DecisionSummary summary;
  try {
    note = attest::parse_logged_note(*text, where);
    envelope = attest::parse_envelope(note.envelope, where);
    summary = attest::summarize_decision(envelope, where);
  } catch (const InputError& e) {
    return refuse(e.message() + " (" + where + ")");
  }
  std::string signer;
  if (auto reason = judge(envelope, summary, commit, trusted, signer)) {
    return refuse(*reason + " (" + where + ")");
  }
  if (!note.inclusion) {
    if (!options.allow_unlogged) {
      return refuse(
          "the attestation carries no audit log inclusion proof, so nothing shows it is the "
          "latest decision for the commit (" +
          where +
          "); verify with --log, or pass --allow-unlogged to accept what a bare note "
          "proves");
    }
    std::cerr << "gate: note: unlogged attestation: it proves a trusted key signed a pass for "
                 "this commit once, not that no later decision denied it\n";
    return {true, "verified: commit " + commit + " passed the gate, signed by key " + signer +
                      " (" + where + ", unlogged)"};
  }
  if (auto problem = check_note_freshness(options, note)) {
    return refuse(*problem + " (" + where + ")");
  }
  return {true, "verified: commit " + commit + " passed the gate, signed by key " + signer + " (" +
                    where + ", log entry " + std::to_string(note.inclusion->index) + ")"};
}

int run_verify(const VerifyOptions& options) {
  std::vector<attest::PublicKey> trusted;
  for (const auto& path : options.trust) trusted.push_back(attest::PublicKey::from_file(path));
  git::Repository repo = git::open_repository(options.repo);
  auto oid = git::resolve_commit(repo.get(), options.commit);
  if (!oid) {
    throw InputError("unknown revision: " + options.commit,
                     "pass a commit id, branch or tag that exists in " + options.repo);
  }
  std::string commit = git::to_hex(*oid);
  Verdict verdict;
  if (attest::is_http_url(options.log)) {
    verdict = verify_from_remote(options, options.log, commit, trusted);
  } else if (options.log.empty()) {
    verdict = verify_from_note(options, repo.get(), commit, trusted);
  } else {
    verdict = verify_from_log(options, commit, trusted);
  }
  std::cout << verdict.text << "\n";
  return verdict.verified ? 0 : 1;
}
}  // namespace

void add_verify_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<VerifyOptions>();
  auto* verify = app.add_subcommand(
      "verify",
      "Check that a commit was approved by the gate: the last decision for it in the audit log "
      "(or a note with its log proof) passed, signed by a trusted key (exit 0 only then)");
  verify->add_option("--commit", options->commit, "Revision to check")->capture_default_str();
  verify->add_option("--trust", options->trust, "Trusted public key (PEM); repeatable")
      ->required()
      ->expected(1, -1);
  verify->add_option(
      "--log", options->log,
      "Verify this audit log (a file, a postgresql:// URL, or the URL of a `gate log "
      "serve`) and judge "
      "the last decision for the commit in it");
  verify->add_option("--log-state", options->log_state,
                     "File keeping the last checkpoint verified from a remote log (default: "
                     "$GATE_LOG_STATE, else <git dir>/gate/remote-checkpoints/<origin>)");
  verify->add_option("--log-pub", options->log_pub,
                     "The log's public key (pins checkpoints; needed for a note's log proof)");
  verify->add_option("--checkpoint", options->checkpoint,
                     "The newest checkpoint you hold: the log must extend it, a note must be at "
                     "least as new");
  verify->add_option("--attestation", options->attestation,
                     "Read the attestation (envelope or logged note) from this file instead");
  verify->add_flag("--allow-unlogged", options->allow_unlogged,
                   "Accept a bare envelope without a log proof (it cannot show it is the latest)");
  verify->add_option("--repo", options->repo, "Repository path")->capture_default_str();
  add_witness_options(*verify, options->witness);
  verify->callback([options, &exit_code] { exit_code = run_verify(*options); });
}

}  // namespace gate::cli
