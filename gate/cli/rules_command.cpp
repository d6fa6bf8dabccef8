#include <CLI/CLI.hpp>

#include "gate/cli/commands.hpp"

namespace gate::cli {

void add_rules_command(CLI::App& app, int& exit_code) {
  (void)app;
  (void)exit_code;
}

}  // namespace gate::cli
