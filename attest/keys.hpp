#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

#include "gate/types/handle.hpp"

namespace gate::attest {

enum class KeyType { ed25519, ecdsa_p256 };

std::string_view to_string(KeyType type);

using Pkey = Handle<EVP_PKEY, EVP_PKEY_free>;

// A public key that verifies signatures. Key id: lowercase hex SHA-256 of its DER
// SubjectPublicKeyInfo.
class PublicKey {
 public:
  // `origin` names where the PEM came from, for error messages (never the PEM itself).
  static PublicKey from_pem(std::string_view pem, const std::string& origin);
  static PublicKey from_file(const std::string& path);

  KeyType type() const { return type_; }
  const std::string& key_id() const { return key_id_; }
  std::string spki_der() const;
  std::string pem() const;
  // The 32 raw bytes of an Ed25519 key (used by signed-note key ids).
  std::string raw_ed25519() const;
  // Ed25519: raw 64-byte signature over the message; ECDSA P-256: DER signature over SHA-256.
  bool verify(std::string_view message, std::string_view signature) const;

  EVP_PKEY* get() const { return key_.get(); }

 private:
  friend class PrivateKey;
  PublicKey(Pkey key, KeyType type);
  std::shared_ptr<EVP_PKEY> key_;
  // A verification context initialised once with this key; each verify works on a copy, which
  // skips OpenSSL's per-call algorithm fetch and key setup (most of an Ed25519 verify's cost).
  std::shared_ptr<EVP_MD_CTX> verify_prototype_;
  KeyType type_;
  std::string key_id_;
};

// A private signing key. Its material never appears in errors or logs: messages name only the
// origin (a file path or an environment variable).
class PrivateKey {
 public:
  static PrivateKey generate(KeyType type);
  static PrivateKey from_pem(std::string_view pem, const std::string& origin);
  static PrivateKey from_file(const std::string& path);

  KeyType type() const { return type_; }
  const PublicKey& public_key() const { return public_key_; }
  const std::string& key_id() const { return public_key_.key_id(); }
  std::string pkcs8_pem() const;
  std::string sign(std::string_view message) const;

 private:
  PrivateKey(Pkey key, KeyType type);
  std::shared_ptr<EVP_PKEY> key_;
  KeyType type_;
  PublicKey public_key_;
};

// Reads a file holding key material; throws InputError naming the path when it cannot.
std::string read_key_file(const std::string& path);

}  // namespace gate::attest
