#include "gate/engine/appended_lines.hpp"

#include <algorithm>
#include <cstring>

namespace gate {

namespace {

constexpr size_t kBinaryProbeBytes = 8000;

// The last line of a text, with its newline if it has one.
std::string_view last_line(std::string_view text) {
  std::string_view body = text;
  if (!body.empty() && body.back() == '\n') body.remove_suffix(1);
  size_t newline = body.rfind('\n');
  return text.substr(newline == std::string_view::npos ? 0 : newline + 1);
}

}  // namespace

bool has_nul_prefix(std::string_view content) {
  size_t probe = std::min(content.size(), kBinaryProbeBytes);
  return probe > 0 && std::memchr(content.data(), '\0', probe) != nullptr;
}

std::string_view without_line_end(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool appended_lines(std::string_view old_text, std::string_view new_text, AddedLines& lines) {
  if (new_text.size() < old_text.size() || new_text.substr(0, old_text.size()) != old_text) {
    return false;
  }
  if (!old_text.empty() && old_text.back() != '\n') return false;
  std::string_view tail = new_text.substr(old_text.size());
  if (tail.empty()) return true;
  // A diff may slide an appended block up over equal lines; only a block that cannot slide is
  // certain to be reported where it was appended.
  if (!old_text.empty() && last_line(old_text) == last_line(new_text)) return false;

  auto number = static_cast<uint32_t>(std::count(old_text.begin(), old_text.end(), '\n'));
  size_t tail_lines = static_cast<size_t>(std::count(tail.begin(), tail.end(), '\n'));
  lines.reserve(lines.size() + tail_lines + (tail.back() == '\n' ? 0 : 1), tail.size());
  while (!tail.empty()) {
    size_t end = tail.find('\n');
    size_t length = end == std::string_view::npos ? tail.size() : end + 1;
    lines.push_back({++number, without_line_end(tail.substr(0, length))});
    tail.remove_prefix(length);
  }
  return true;
}

}  // namespace gate
