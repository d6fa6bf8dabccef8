#include <CLI/CLI.hpp>
#include <memory>

#include "attest/witness_client.hpp"
#include "gate/cli/commands.hpp"
#include "gate/types/errors.hpp"
#include "server/config.hpp"
#include "server/http_server.hpp"

namespace gate::cli {

namespace {

struct ServeFlags {
  std::string config_file;
  server::ServeConfig given;  // flags only; a set flag overrides the file
  size_t max_body_bytes = 0;
  int threads = 0;
  std::vector<std::string> witnesses;  // URL=PUB.pem, added to the file's
};

int run_serve(const ServeFlags& flags) {
  server::ServeConfig config;
  if (!flags.config_file.empty()) server::load_config_file(flags.config_file, config);
  auto take = [](std::string& target, const std::string& flag) {
    if (!flag.empty()) target = flag;
  };
  take(config.store, flags.given.store);
  take(config.origin, flags.given.origin);
  take(config.log_key, flags.given.log_key);
  if (!flags.given.listen.empty()) config.listen = flags.given.listen;
  for (const auto& path : flags.given.trust) config.trust.push_back(path);
  if (flags.max_body_bytes) config.max_body_bytes = flags.max_body_bytes;
  if (flags.threads) config.threads = flags.threads;
  for (const auto& flag : flags.witnesses) {
    attest::WitnessEndpoint witness = attest::parse_witness_flag(flag);
    for (const auto& earlier : config.witnesses) {
      if (earlier.url == witness.url) {
        throw InputError("--witness " + witness.url + " is configured twice",
                         "name each witness once, in the --config file or as a flag");
      }
    }
    config.witnesses.push_back(std::move(witness));
  }
  return server::serve(config);
}

}  // namespace

void add_serve_command(CLI::App& log, int& exit_code) {
  auto flags = std::make_shared<ServeFlags>();
  flags->given.listen.clear();
  auto* serve = log.add_subcommand(
      "serve", "Serve the audit log over HTTP: append with CI identity, read proofs and entries");
  serve->add_option("--config", flags->config_file, "YAML configuration (docs/audit-service.md)");
  serve->add_option("--store", flags->given.store, "The log's SQLite file (created when missing)");
  serve->add_option("--origin", flags->given.origin, "The log's name in its checkpoints");
  serve->add_option("--log-key", flags->given.log_key, "Ed25519 private key signing checkpoints");
  serve->add_option("--trust", flags->given.trust,
                    "Public key whose signed decisions may be appended; repeatable");
  serve->add_option("--listen", flags->given.listen,
                    "HOST:PORT (default 127.0.0.1:8080; port 0: any)");
  serve->add_option("--max-body", flags->max_body_bytes,
                    "Largest request body in bytes (default 1 MiB)");
  serve->add_option("--threads", flags->threads, "Worker threads (default 16)");
  serve->add_option(
      "--witness", flags->witnesses,
      "A witness to push checkpoints to, as URL=PUBKEY (its Ed25519 key); repeatable");
  serve->callback([flags, &exit_code] { exit_code = run_serve(*flags); });
}

}  // namespace gate::cli
