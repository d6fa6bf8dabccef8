#include "gate/cli/witness_command.hpp"

#include <httplib.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <map>

#include "attest/keys.hpp"
#include "gate/types/errors.hpp"

namespace gate::cli {

WitnessServer::WitnessServer(attest::Witness& witness)
    : witness_(witness), server_(std::make_unique<httplib::Server>()) {
  server_->Post("/add-checkpoint",
                [this](const httplib::Request& request, httplib::Response& response) {
                  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
                  attest::WitnessReply reply;
                  {
                    std::lock_guard<std::mutex> lock(mutex_);
                    reply = witness_.add_checkpoint(request.body, static_cast<uint64_t>(now));
                  }
                  response.status = reply.status;
                  response.set_content(reply.body, reply.content_type.c_str());
                });
}

WitnessServer::~WitnessServer() { stop(); }

int WitnessServer::start(const std::string& host, int port) {
  int bound = port == 0 ? server_->bind_to_any_port(host.c_str())
                        : (server_->bind_to_port(host.c_str(), port) ? port : -1);
  if (bound <= 0) {
    throw InputError("cannot listen on " + host + ":" + std::to_string(port),
                     "pick a free port, or 127.0.0.1:0 for any");
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return bound;
}

void WitnessServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

void WitnessServer::interrupt() {
  if (server_) server_->stop();
}

void WitnessServer::wait() {
  if (thread_.joinable()) thread_.join();
}

namespace {

struct WitnessOptions {
  std::string key;
  std::string name;
  std::string state;
  std::string listen = "127.0.0.1:7380";
  std::vector<std::string> logs;
};

WitnessServer* running_server = nullptr;

void stop_on_signal(int) {
  // httplib's stop() only flips a flag and shuts the listening socket down.
  if (running_server) running_server->interrupt();
}

std::map<std::string, attest::PublicKey> known_logs(const std::vector<std::string>& flags) {
  std::map<std::string, attest::PublicKey> logs;
  for (const auto& flag : flags) {
    size_t equals = flag.rfind('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == flag.size()) {
      throw InputError("--log-origin '" + flag + "' is not ORIGIN=PUBKEY",
                       "pass the log's origin and its public key file, such as "
                       "--log-origin audit.example.com/app=log.pub");
    }
    logs.emplace(flag.substr(0, equals), attest::PublicKey::from_file(flag.substr(equals + 1)));
  }
  return logs;
}

int run_witness(const WitnessOptions& options) {
  size_t colon = options.listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    try {
      port = std::stoi(options.listen.substr(colon + 1));
    } catch (const std::exception&) {
      port = -1;
    }
  }
  if (port < 0 || port > 65535) {
    throw InputError("--listen '" + options.listen + "' is not HOST:PORT",
                     "such as 127.0.0.1:7380");
  }
  attest::Witness witness(options.name, attest::PrivateKey::from_file(options.key),
                          known_logs(options.logs), options.state);
  WitnessServer server(witness);
  int bound = server.start(options.listen.substr(0, colon), port);
  running_server = &server;
  std::signal(SIGTERM, stop_on_signal);
  std::signal(SIGINT, stop_on_signal);
  std::cout << "witness " << options.name << " listening on http://"
            << options.listen.substr(0, colon) << ":" << bound << std::endl;
  server.wait();
  running_server = nullptr;
  return 0;
}

}  // namespace

void add_log_witness_command(CLI::App& log, int& exit_code) {
  auto options = std::make_shared<WitnessOptions>();
  auto* witness = log.add_subcommand(
      "witness",
      "Run a witness (C2SP tlog-witness): cosign a log's checkpoints after a consistency proof, "
      "refusing rollbacks and split views");
  witness->add_option("--key", options->key, "The witness's Ed25519 private key")->required();
  witness->add_option("--name", options->name, "The witness's name (e.g. witness.example.com/w1)")
      ->required();
  witness
      ->add_option("--state", options->state, "File keeping the latest cosigned checkpoint per log")
      ->required();
  witness->add_option("--listen", options->listen, "HOST:PORT to listen on")->capture_default_str();
  witness
      ->add_option("--log-origin", options->logs,
                   "A log to witness, as ORIGIN=PUBKEY (its log key); repeatable")
      ->required();
  witness->callback([options, &exit_code] { exit_code = run_witness(*options); });
}

}  // namespace gate::cli
