#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "attest/notes_sync.hpp"
#include "gate/cli/commands.hpp"
#include "gate/engine/git.hpp"

namespace gate::cli {

namespace {

struct NotesFlags {
  std::string repo = ".";
  attest::NotesPushOptions push;
};

int run_notes_push(const NotesFlags& flags) {
  git::Repository repo = git::open_repository(flags.repo);
  attest::NotesPushResult result = attest::push_notes(repo.get(), flags.push);
  if (result.notes == 0 && result.attempts <= 1 && !result.merged) {
    std::cerr << "gate: no attestation notes to push\n";
    return 0;
  }
  std::cerr << "gate: pushed refs/notes/gate to " << flags.push.remote << " (" << result.notes
            << " notes" << (result.merged ? ", merged with the remote's" : "") << ", attempt "
            << result.attempts << ")\n";
  return 0;
}

}  // namespace

void add_notes_command(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<NotesFlags>();
  auto* notes = app.add_subcommand("notes", "Share the attestation notes (refs/notes/gate)");
  notes->require_subcommand(1);
  auto* push = notes->add_subcommand(
      "push", "Fetch, merge (keeping both sides) and push refs/notes/gate, retrying on races");
  push->add_option("--remote", flags->push.remote, "Remote name or URL")->capture_default_str();
  push->add_option("--attempts", flags->push.attempts, "Tries before giving up (exit 2)")
      ->check(CLI::Range(1, 50))
      ->capture_default_str();
  push->add_option("--repo", flags->repo, "Repository path")->capture_default_str();
  push->callback([flags, &exit_code] { exit_code = run_notes_push(*flags); });
}

}  // namespace gate::cli
