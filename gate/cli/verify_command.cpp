#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <optional>

#include "attest/dsse.hpp"
#include "attest/git_notes.hpp"
#include "attest/keys.hpp"
#include "attest/log_store.hpp"
#include "attest/statement.hpp"
#include "gate/cli/commands.hpp"
#include "gate/engine/git.hpp"
#include "gate/types/errors.hpp"

namespace gate::cli {

namespace {
struct VerifyOptions {
  std::string commit = "HEAD";
  std::vector<std::string> trust;
  std::string log;
  std::string attestation;
  std::string repo = ".";
};

struct Found {
  std::string envelope;
  std::string where;
};

std::optional<Found> find_attestation(const VerifyOptions& options, git_repository* repo,
                                      const std::string& commit) {
  if (!options.attestation.empty()) {
    return Found{attest::read_key_file(options.attestation), options.attestation};
  }
  if (!options.log.empty()) {
    attest::LogStore log = attest::LogStore::open(options.log, false);
    attest::LogQuery query;
    query.commit = commit;
    auto entries = log.query(query);
    if (entries.empty()) return std::nullopt;
    // The latest decision about the commit is the one that counts.
    return Found{entries.back().envelope,
                 options.log + " entry " + std::to_string(entries.back().seq)};
  }
  auto note = attest::read_note(repo, commit);
  if (!note) return std::nullopt;
  return Found{*note, std::string(attest::kNotesRef)};
}

// nullopt when the attestation proves the commit passed; else the reason it does not.
std::optional<std::string> judge(const Found& found, const std::string& commit,
                                 const std::vector<attest::PublicKey>& trusted,
                                 std::string& signer) {
  attest::Envelope envelope;
  attest::DecisionSummary summary;
  try {
    envelope = attest::parse_envelope(found.envelope, found.where);
    summary = attest::summarize_decision(envelope, found.where);
  } catch (const InputError& e) {
    return e.message();
  }
  attest::EnvelopeCheck check = attest::verify_envelope(envelope, trusted);
  if (!check.ok) return "the attestation is " + check.reason;
  signer = check.key_id;
  if (summary.predicate_type != attest::kDecisionPredicateType) {
    return "predicate type is '" + summary.predicate_type + "', expected " +
           attest::kDecisionPredicateType;
  }
  if (summary.subject_commit != commit) {
    return "the attestation is about commit " + summary.subject_commit + ", not " + commit;
  }
  if (summary.verdict != "pass") return "the gate's verdict was '" + summary.verdict + "'";
  return std::nullopt;
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
  auto found = find_attestation(options, repo.get(), commit);
  if (!found) {
    std::cout << "not verified: no attestation for commit " << commit << " in "
              << (options.log.empty() ? std::string(attest::kNotesRef) : options.log) << "\n";
    return 1;
  }
  std::string signer;
  if (auto reason = judge(*found, commit, trusted, signer)) {
    std::cout << "not verified: " << *reason << " (" << found->where << ")\n";
    return 1;
  }
  std::cout << "verified: commit " << commit << " passed the gate, signed by key " << signer << " ("
            << found->where << ")\n";
  return 0;
}
}  // namespace

void add_verify_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<VerifyOptions>();
  auto* verify = app.add_subcommand(
      "verify",
      "Check that a commit was approved by the gate: signature, trusted key, subject, "
      "predicate type and a pass verdict (exit 0 only when all hold)");
  verify->add_option("--commit", options->commit, "Revision to check")->capture_default_str();
  verify->add_option("--trust", options->trust, "Trusted public key (PEM); repeatable")
      ->required()
      ->expected(1, -1);
  verify->add_option("--log", options->log,
                     "Look the attestation up in this audit log instead of git notes");
  verify->add_option("--attestation", options->attestation,
                     "Read the attestation (DSSE envelope) from this file instead");
  verify->add_option("--repo", options->repo, "Repository path")->capture_default_str();
  verify->callback([options, &exit_code] { exit_code = run_verify(*options); });
}

}  // namespace gate::cli
