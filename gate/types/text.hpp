#pragma once

#include <string>
#include <string_view>

namespace gate {

// ASCII letters lowered, every other byte kept: for ids, extensions and names that compare
// case-insensitively whatever the locale.
std::string ascii_lower(std::string_view text);

// `text` without leading and trailing spaces, tabs and carriage returns.
std::string_view trim_blanks(std::string_view text);

}  // namespace gate
