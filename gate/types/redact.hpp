#pragma once

#include <string>
#include <string_view>

namespace gate {

// The only form in which a secret or a piece of personal data leaves the process: its first
// four characters (fewer for short values) and its length, e.g. "AKIA… (20 chars)".
std::string redact(std::string_view secret);

// lowercase hex SHA-256 of the bytes: a fingerprint basis that does not reveal the value.
std::string sha256_hex(std::string_view bytes);

}  // namespace gate
