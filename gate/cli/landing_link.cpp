#include "gate/cli/landing_link.hpp"

#include <spdlog/spdlog.h>

#include "attest/bytes.hpp"
#include "attest/dsse.hpp"
#include "attest/git_notes.hpp"
#include "attest/logged_note.hpp"
#include "attest/notes_sync.hpp"
#include "attest/statement.hpp"
#include "gate/types/errors.hpp"

namespace gate::cli {

void link_landed_decision(git_repository* repo, Landing& landing) {
  std::optional<std::string> note = attest::read_note(repo, landing.change_head);
  if (!note) {
    spdlog::info("no attestation of {} (the head of #{}) in {}: the landed decision links none",
                 landing.change_head.substr(0, 12), landing.change_id, attest::kNotesRef);
    return;
  }
  std::string where = std::string(attest::kNotesRef) + " of " + landing.change_head.substr(0, 12);
  try {
    attest::LoggedNote logged = attest::parse_logged_note(attest::latest_attestation(*note), where);
    attest::Envelope envelope = attest::parse_envelope(logged.envelope, where);
    attest::DecisionSummary summary = attest::summarize_decision(envelope, where);
    if (auto why = attest::decision_is_about(summary, landing.change_head)) {
      spdlog::warn("{}: not linked: {}", where, *why);
      return;
    }
    landing.decision_sha256 = attest::to_hex(attest::sha256(logged.envelope));
    landing.decision_verdict = summary.verdict;
    landing.decision_time = summary.time;
  } catch (const InputError& e) {
    // Someone else's note, or one of an older format: the landed commit is judged regardless.
    spdlog::warn("{}: not linked: {}", where, e.what());
  }
}

}  // namespace gate::cli
