#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gate::attest {

// A SHA-256 digest. Merkle hashes, key ids and digests are all of this shape.
using Hash = std::array<uint8_t, 32>;

Hash sha256(std::string_view bytes);
std::string_view as_bytes(const Hash& hash);
Hash hash_from_bytes(std::string_view bytes);  // requires exactly 32 bytes

std::string to_hex(std::string_view bytes);
std::string to_hex(const Hash& hash);
// Lowercase or uppercase hex; nullopt when the text is not hex of even length.
std::optional<std::string> from_hex(std::string_view hex);

// Standard base64 (RFC 4648 section 4) with padding, no line breaks.
std::string base64_encode(std::string_view bytes);
// Strict: only the standard alphabet, correct padding, no whitespace; nullopt otherwise.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace gate::attest
