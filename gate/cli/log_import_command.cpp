#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "attest/bytes.hpp"
#include "attest/keys.hpp"
#include "attest/log_import.hpp"
#include "attest/log_store.hpp"
#include "gate/cli/commands.hpp"

namespace gate::cli {

namespace {

struct ImportFlags {
  std::string from;
  std::string to;
  std::string log_key;
  size_t batch = 1000;
};

int run_import(const ImportFlags& flags) {
  attest::PrivateKey key = attest::PrivateKey::from_file(flags.log_key);
  attest::LogStore source = attest::LogStore::open(flags.from, false);
  // Bulk: the final commit is durable; a crash midway leaves a prefix, which a rerun resumes.
  attest::LogStore target = attest::LogStore::open(flags.to, true, attest::Durability::normal);
  attest::ImportOptions options;
  options.batch = flags.batch;
  uint64_t reported = 0;
  options.progress = [&](uint64_t done, uint64_t total) {
    if (done - reported >= 100000 || done == total) {
      std::cerr << "gate: imported " << done << " of " << total << " entries\n";
      reported = done;
    }
  };
  attest::ImportResult result = attest::import_log(source, target, key, options);
  std::cout << "imported " << result.imported << " entries into " << target.path();
  if (result.skipped > 0) std::cout << " (" << result.skipped << " were there already)";
  std::cout << "\nsize " << result.size << ", root " << attest::to_hex(result.root) << "\n"
            << result.checkpoints_compared
            << " checkpoints of the source reproduced byte for byte by the target\n";
  return 0;
}

}  // namespace

void add_log_import_command(CLI::App& log, int& exit_code) {
  auto flags = std::make_shared<ImportFlags>();
  auto* import = log.add_subcommand(
      "import", "Replay an audit log into another (SQLite into PostgreSQL) and prove them equal");
  import->add_option("--from", flags->from, "The log to read: a file or postgresql:// URL")
      ->required();
  import->add_option("--to", flags->to, "The log to write: empty, or a prefix left by an import")
      ->required();
  import->add_option("--log-key", flags->log_key, "The source log's Ed25519 log key")->required();
  import->add_option("--batch", flags->batch, "Entries per transaction")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  import->callback([flags, &exit_code] { exit_code = run_import(*flags);
});
}  // namespace gate::cli

}  // namespace gate::cli
