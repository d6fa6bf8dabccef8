#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>

#include "attest/keys.hpp"
#include "gate/cli/commands.hpp"
#include "gate/types/atomic_write.hpp"
#include "gate/types/errors.hpp"

namespace gate::cli {

namespace {
struct KeygenOptions {
  std::string type = "ed25519";
  std::string prefix;
  bool force = false;
};

void run_keygen(const KeygenOptions& options) {
  attest::KeyType type =
      options.type == "ed25519" ? attest::KeyType::ed25519 : attest::KeyType::ecdsa_p256;
  attest::PrivateKey key = attest::PrivateKey::generate(type);
  std::string private_path = options.prefix + ".key";
  std::string public_path = options.prefix + ".pub";
  if (!options.force) {
    for (const auto& path : {private_path, public_path}) {
      if (std::filesystem::exists(path)) {
        throw InputError(path, 0, 0, "already exists", "choose another --out or pass --force");
      }
    }
  }
  // The private key is created 0600 from the start; without --force nothing is overwritten.
  write_file_atomically(public_path, key.public_key().pem(), 0644, options.force);
  write_file_atomically(private_path, key.pkcs8_pem(), 0600, options.force);
  std::cout << "type: " << attest::to_string(type) << "\n"
            << "key id: " << key.key_id() << "\n"
            << "private key: " << private_path << " (keep secret; mode 0600)\n"
            << "public key: " << public_path << "\n";
}
}  // namespace

void add_keygen_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<KeygenOptions>();
  auto* keygen = app.add_subcommand(
      "keygen", "Make a signing key pair: PREFIX.key (PKCS#8 PEM, 0600) and PREFIX.pub (SPKI PEM)");
  keygen->add_option("--type", options->type, "Key type")
      ->check(CLI::IsMember({"ed25519", "ecdsa-p256"}))
      ->capture_default_str();
  keygen->add_option("--out", options->prefix, "Path prefix of the two files")->required();
  keygen->add_flag("--force", options->force, "Overwrite existing files");
  keygen->callback([options, &exit_code] {
    run_keygen(*options);
    exit_code = 0;
  });
}

}  // namespace gate::cli
