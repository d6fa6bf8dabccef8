#include "attest/bytes.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace gate::attest {

namespace {
struct DigestContext {
  DigestContext() : md(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx(EVP_MD_CTX_new()) {
    if (!md || !ctx) throw std::runtime_error("OpenSSL has no SHA-256");
  }
  ~DigestContext() {
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
  }
  DigestContext(const DigestContext&) = delete;
  DigestContext& operator=(const DigestContext&) = delete;
  EVP_MD* md;
  EVP_MD_CTX* ctx;
};
}  // namespace

Hash sha256_concat(std::initializer_list<std::string_view> parts) {
  thread_local DigestContext digest;
  Hash out;
  bool ok = EVP_DigestInit_ex2(digest.ctx, digest.md, nullptr) == 1;
  for (std::string_view part : parts) {
    ok = ok && EVP_DigestUpdate(digest.ctx, part.data(), part.size()) == 1;
  }
  unsigned int length = 0;
  ok = ok && EVP_DigestFinal_ex(digest.ctx, out.data(), &length) == 1 && length == out.size();
  if (!ok) throw std::runtime_error("SHA-256 failed");
  return out;
}

Hash sha256(std::string_view bytes) { return sha256_concat({bytes}); }

std::string_view as_bytes(const Hash& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

Hash hash_from_bytes(std::string_view bytes) {
  if (bytes.size() != 32) throw std::invalid_argument("a SHA-256 hash has 32 bytes");
  Hash out;
  for (size_t i = 0; i < 32; ++i) out[i] = static_cast<uint8_t>(bytes[i]);
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string to_hex(const Hash& hash) { return to_hex(as_bytes(hash)); }

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// The 6-bit value of a base64 character (standard alphabet; `c` already checked).
unsigned base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return static_cast<unsigned>(c - 'A');
  if (c >= 'a' && c <= 'z') return static_cast<unsigned>(c - 'a' + 26);
  if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0' + 52);
  return c == '+' ? 62u : 63u;
}
}  // namespace

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int high = hex_value(hex[i]);
    int low = hex_value(hex[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(written));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  // EVP_DecodeBlock tolerates whitespace and ignores padding; signatures and hashes must have
  // one encoding only, so the shape is checked here first.
  if (text.size() % 4 != 0) return std::nullopt;
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++padding;
  for (size_t i = 0; i < text.size() - padding; ++i) {
    if (!is_base64_char(text[i])) return std::nullopt;
  }
  if (text.empty()) return std::string();
  std::string out(text.size() / 4 * 3, '\0');
  int decoded = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (decoded < 0) return std::nullopt;
  out.resize(static_cast<size_t>(decoded) - padding);
  // Reject non-canonical encodings (unused bits of the last character set), so one value has
  // one text: 2 unused bits before one '=', 4 before two.
  if (padding > 0) {
    unsigned unused_mask = padding == 1 ? 0x3u : 0xFu;
    if ((base64_value(text[text.size() - padding - 1]) & unused_mask) != 0) return std::nullopt;
  }
  return out;
}

std::optional<std::string> base64_decode_lenient(std::string_view text) {
  std::string standard(text);
  for (char& c : standard) {
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
  }
  while (standard.size() % 4 != 0) standard.push_back('=');
  return base64_decode(standard);
}

}  // namespace gate::attest
