#pragma once

namespace CLI {
class App;
}

namespace gate::cli {

// Each command adds its subcommand to `app`; its callback stores the exit code in `exit_code`.
// Exceptions (InputError and others) propagate to main, which turns them into exit code 2.
void add_check_command(CLI::App& app, int& exit_code);
void add_keygen_command(CLI::App& app, int& exit_code);
void add_verify_command(CLI::App& app, int& exit_code);
void add_log_command(CLI::App& app, int& exit_code);
void add_init_command(CLI::App& app, int& exit_code);
void add_policy_command(CLI::App& app, int& exit_code);
void add_rules_command(CLI::App& app, int& exit_code);
// `gate log serve`, added below `log`.
void add_serve_command(CLI::App& log, int& exit_code);

}  // namespace gate::cli
