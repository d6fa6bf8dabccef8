#pragma once

#include <cstddef>
#include <string_view>

namespace gate::data {

// Whether the bytes are well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
// Runs a word-at-a-time ASCII fast path first, so plain ASCII costs about one memory pass.
bool valid_utf8(std::string_view bytes);

// Number of code points of well-formed UTF-8 (continuation bytes are not counted).
size_t code_points(std::string_view bytes);

}  // namespace gate::data
