#pragma once

#include <exception>
#include <iosfwd>

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
void add_notes_command(CLI::App& app, int& exit_code);
// `gate log serve`, added below `log`.
void add_serve_command(CLI::App& log, int& exit_code);
// `gate log import`, added below `log`.
void add_log_import_command(CLI::App& log, int& exit_code);

// Says on `err` what stopped a command and returns its exit code, 2 in every case (fail closed):
// bad input names the file, line and fix; a rule that could not judge names the rule; any other
// exception is a defect of Gate and is called an internal error, with what to report.
int report_failure(std::exception_ptr failure, std::ostream& err);

}  // namespace gate::cli
