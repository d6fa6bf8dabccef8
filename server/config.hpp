#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "attest/witness_client.hpp"
#include "server/identity.hpp"
#include "server/read_access.hpp"

// How `gate log serve` is set up: a YAML file (see docs/audit-service.md), with flags on top.
namespace gate::server {

struct ServeConfig {
  std::string store;
  std::string origin;
  std::string log_key;             // path of the Ed25519 log key (PEM)
  std::vector<std::string> trust;  // paths of decision public keys
  std::string listen = "127.0.0.1:8080";
  size_t max_body_bytes = 1 << 20;
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 10;
  int threads = 16;
  std::vector<OidcIssuer> issuers;
  std::vector<StaticToken> tokens;
  // Who may read (docs/audit-service.md, 'Read access'); none: reads are open.
  std::vector<ReadToken> read_tokens;
  // Witnesses the service pushes its checkpoints to (docs/audit-service.md, 'Witnessing').
  std::vector<attest::WitnessEndpoint> witnesses;
};

// Reads the file into `config` (flags given later override what it sets). Throws InputError
// naming the file, the line and the fix when a setting is unknown or malformed.
void load_config_file(const std::string& path, ServeConfig& config);

// "HOST:PORT", "[IPV6]:PORT" or ":PORT" (all interfaces). Throws InputError.
struct ListenAddress {
  std::string host;
  int port = 0;
};
ListenAddress parse_listen(const std::string& text);
// 127.0.0.0/8, ::1 or localhost: only this machine can connect.
bool is_loopback(const std::string& host);

}  // namespace gate::server
