#include "gate/types/redact.hpp"

#include <openssl/evp.h>

namespace gate {

std::string redact(std::string_view secret) {
  // Short values show less, so a redacted 6-character password never shows most of itself.
  size_t shown = secret.size() >= 16 ? 4 : secret.size() >= 8 ? 2 : 0;
  std::string out(secret.substr(0, shown));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  }
  out += "\xE2\x80\xA6 (" + std::to_string(secret.size()) + " chars)";
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

}  // namespace gate
