#include <CLI/CLI.hpp>

#include "gate/cli/commands.hpp"

namespace gate::cli {

void add_check_command(CLI::App& app, int& exit_code) {
  auto* check = app.add_subcommand("check", "Judge the change between base and head");
  check->callback([&exit_code] { exit_code = 0; });
}

}  // namespace gate::cli
