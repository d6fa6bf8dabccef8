#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
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
// Either alphabet of RFC 4648 (standard, section 4, or URL-safe, section 5), padded or not, as
// DSSE allows on input; still no whitespace and no stray bits. nullopt otherwise.
std::optional<std::string> base64_decode_lenient(std::string_view text);

// SHA-256 over the concatenation of `parts`, with a digest context kept per thread: fetching the
// algorithm on every call cost more than hashing a 65-byte Merkle node.
Hash sha256_concat(std::initializer_list<std::string_view> parts);

}  // namespace gate::attest
