#include "attest/keys.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "attest/bytes.hpp"
#include "gate/types/errors.hpp"
#include "gate/types/file_read.hpp"

namespace gate::attest {

namespace {

using Bio = Handle<BIO, BIO_free>;
using MdCtx = Handle<EVP_MD_CTX, EVP_MD_CTX_free>;

constexpr const char* kKeyHint =
    "use a PEM key made by `gate keygen --type ed25519|ecdsa-p256` (unencrypted PKCS#8 for "
    "private keys, SubjectPublicKeyInfo for public keys)";

// Refuses encrypted keys instead of prompting on the terminal.
int no_password(char*, int, int, void*) { return 0; }

// Never forward OpenSSL's error strings: they are generic and could echo input details.
void drop_openssl_errors() { ERR_clear_error(); }

std::optional<KeyType> key_type_of(EVP_PKEY* key) {
  int id = EVP_PKEY_get_base_id(key);
  if (id == EVP_PKEY_ED25519) return KeyType::ed25519;
  if (id == EVP_PKEY_EC) {
    char group[64] = {0};
    size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &length) == 1 &&
        std::string_view(group, length) == "prime256v1") {
      return KeyType::ecdsa_p256;
    }
  }
  return std::nullopt;
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(length));
}

std::string spki_der_of(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int length = i2d_PUBKEY(key, &der);
  if (length <= 0) throw std::runtime_error("cannot encode a public key as DER");
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

}  // namespace

std::string_view to_string(KeyType type) {
  return type == KeyType::ed25519 ? "ed25519" : "ecdsa-p256";
}

std::string read_key_file(const std::string& path) {
  return read_file_or_throw(path, "cannot read the key file", kKeyHint);
}

PublicKey::PublicKey(Pkey key, KeyType type) : key_(std::move(key)), type_(type) {
  key_id_ = to_hex(sha256(spki_der()));
  if (type_ == KeyType::ed25519) {
    // ECDSA contexts hash as they go, so only Ed25519's one-shot context is kept for copying.
    std::shared_ptr<EVP_MD_CTX> prototype(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (prototype &&
        EVP_DigestVerifyInit(prototype.get(), nullptr, nullptr, nullptr, key_.get()) == 1) {
      verify_prototype_ = std::move(prototype);
    }
    drop_openssl_errors();
  }
}

PublicKey PublicKey::from_pem(std::string_view pem, const std::string& origin) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Pkey key(PEM_read_bio_PUBKEY(bio.get(), nullptr, no_password, nullptr));
  drop_openssl_errors();
  if (!key) throw InputError(origin, 0, 0, "not a PEM public key (SubjectPublicKeyInfo)", kKeyHint);
  auto type = key_type_of(key.get());
  if (!type) {
    throw InputError(origin, 0, 0,
                     "unsupported public key type: Gate accepts Ed25519 and ECDSA P-256", kKeyHint);
  }
  return PublicKey(std::move(key), *type);
}

PublicKey PublicKey::from_file(const std::string& path) {
  return from_pem(read_key_file(path), path);
}

std::string PublicKey::spki_der() const { return spki_der_of(key_.get()); }

std::string PublicKey::pem() const {
  Bio bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
    throw std::runtime_error("cannot encode a public key as PEM");
  }
  return bio_contents(bio.get());
}

std::string PublicKey::raw_ed25519() const {
  if (type_ != KeyType::ed25519) throw std::logic_error("not an Ed25519 key");
  std::string raw(32, '\0');
  size_t length = raw.size();
  if (EVP_PKEY_get_raw_public_key(key_.get(), reinterpret_cast<unsigned char*>(raw.data()),
                                  &length) != 1 ||
      length != 32) {
    throw std::runtime_error("cannot read the raw Ed25519 public key");
  }
  return raw;
}

bool PublicKey::verify(std::string_view message, std::string_view signature) const {
  if (type_ == KeyType::ed25519 && signature.size() != 64) return false;
  if (verify_prototype_) {
    thread_local MdCtx work(EVP_MD_CTX_new());
    bool ok =
        work && EVP_MD_CTX_copy_ex(work.get(), verify_prototype_.get()) == 1 &&
        EVP_DigestVerify(work.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                         signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                         message.size()) == 1;
    drop_openssl_errors();
    return ok;
  }
  MdCtx ctx(EVP_MD_CTX_new());
  const EVP_MD* md = type_ == KeyType::ed25519 ? nullptr : EVP_sha256();
  bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key_.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  drop_openssl_errors();
  return ok;
}

namespace {
Pkey public_half(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    throw std::runtime_error("cannot derive a public key");
  }
  Pkey pub(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!pub) throw std::runtime_error("cannot derive a public key");
  return pub;
}
}  // namespace

PrivateKey::PrivateKey(Pkey key, KeyType type)
    : key_(std::move(key)), type_(type), public_key_(public_half(key_.get()), type) {}

PrivateKey PrivateKey::generate(KeyType type) {
  Pkey key(type == KeyType::ed25519 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
                                    : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) {
    drop_openssl_errors();
    throw std::runtime_error("key generation failed");
  }
  return PrivateKey(std::move(key), type);
}

PrivateKey PrivateKey::from_pem(std::string_view pem, const std::string& origin) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr));
  drop_openssl_errors();
  if (!key) {
    throw InputError(origin, 0, 0, "not an unencrypted PEM private key", kKeyHint);
  }
  auto type = key_type_of(key.get());
  if (!type) {
    throw InputError(origin, 0, 0,
                     "unsupported private key type: Gate signs with Ed25519 or ECDSA P-256",
                     kKeyHint);
  }
  return PrivateKey(std::move(key), *type);
}

PrivateKey PrivateKey::from_file(const std::string& path) {
  std::string pem = read_key_file(path);
  try {
    PrivateKey key = from_pem(pem, path);
    OPENSSL_cleanse(pem.data(), pem.size());
    return key;
  } catch (...) {
    OPENSSL_cleanse(pem.data(), pem.size());
    throw;
  }
}

std::string PrivateKey::pkcs8_pem() const {
  Bio bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PKCS8PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
      1) {
    throw std::runtime_error("cannot encode a private key as PKCS#8");
  }
  return bio_contents(bio.get());
}

std::string PrivateKey::sign(std::string_view message) const {
  MdCtx ctx(EVP_MD_CTX_new());
  const EVP_MD* md = type_ == KeyType::ed25519 ? nullptr : EVP_sha256();
  size_t length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, data, message.size()) != 1) {
    drop_openssl_errors();
    throw std::runtime_error("signing failed");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, data,
                     message.size()) != 1) {
    drop_openssl_errors();
    throw std::runtime_error("signing failed");
  }
  signature.resize(length);
  return signature;
}

}  // namespace gate::attest
