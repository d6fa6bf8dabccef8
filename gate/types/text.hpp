#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gate {

// ASCII letters lowered, every other byte kept: for ids, extensions and names that compare
// case-insensitively whatever the locale.
std::string ascii_lower(std::string_view text);

// `text` without leading and trailing spaces, tabs and carriage returns.
std::string_view trim_blanks(std::string_view text);

// Calls `visit(line, number)` for each line of `text` (1-based numbers), without its "\n" or
// "\r\n". A text ending in "\n" has an empty last line, as editors count them.
template <typename Visit>
void for_each_line(std::string_view text, Visit&& visit) {
  size_t start = 0;
  uint32_t number = 0;
  while (true) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    visit(line, ++number);
    if (end == text.size()) return;
    start = end + 1;
  }
}

}  // namespace gate
