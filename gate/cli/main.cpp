#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "gate/cli/commands.hpp"
#include "gate/engine/git.hpp"
#include "gate/types/errors.hpp"
#include "gate/version.hpp"

namespace {

void set_up_logging() {
  // Diagnostics go to stderr; stdout carries only reports.
  auto logger = spdlog::stderr_color_mt("gate");
  logger->set_pattern("gate: %^%l%$: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::warn);
}

}  // namespace

int main(int argc, char** argv) {
  set_up_logging();
  gate::git::Library libgit2;
  CLI::App app{
      "Gate: a compliance and audit gate for CI.\n"
      "Judges a change of code, data and models against .gate/policy.yaml, signs the "
      "decision and keeps it in an append-only audit log.",
      "gate"};
  app.set_version_flag("--version", std::string("gate ") + gate::kVersion);
  app.require_subcommand(1);
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "Print progress to stderr")->configurable(false);
  app.parse_complete_callback([&] {
    if (verbose) spdlog::set_level(spdlog::level::info);
  });
  int exit_code = 0;
  gate::cli::add_check_command(app, exit_code);
  gate::cli::add_keygen_command(app, exit_code);
  gate::cli::add_verify_command(app, exit_code);
  gate::cli::add_log_command(app, exit_code);
  gate::cli::add_init_command(app, exit_code);
  gate::cli::add_policy_command(app, exit_code);
  gate::cli::add_rules_command(app, exit_code);
  gate::cli::add_notes_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (...) {
    return gate::cli::report_failure(std::current_exception(), std::cerr);
  }
  return exit_code;
}
