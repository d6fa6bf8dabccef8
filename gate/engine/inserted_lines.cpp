#include "gate/engine/inserted_lines.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

namespace gate {

namespace {

constexpr size_t kBinaryProbeBytes = 8000;

// Where `inserted` would start in `text` if `text` were `base` with whole lines inserted: the end
// of the longest run of whole lines `base` and `text` begin with. nullopt when `text` is not such
// an insertion into `base`.
std::optional<size_t> insertion_point(std::string_view base, std::string_view text) {
  if (text.size() < base.size()) return std::nullopt;
  size_t same = static_cast<size_t>(std::mismatch(base.begin(), base.end(), text.begin()).first -
                                    base.begin());
  size_t newline = same == 0 ? std::string_view::npos : base.rfind('\n', same - 1);
  size_t prefix = newline == std::string_view::npos ? 0 : newline + 1;
  std::string_view rest = base.substr(prefix);
  size_t resumes = text.size() - rest.size();  // where the rest of `base` must reappear
  if (text.substr(resumes) != rest) return std::nullopt;
  if (!rest.empty() && resumes > prefix && text[resumes - 1] != '\n') return std::nullopt;
  return prefix;
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

bool inserted_lines(std::string_view old_text, std::string_view new_text, AddedLines& lines) {
  if (new_text.size() < old_text.size()) return insertion_point(new_text, old_text).has_value();
  std::optional<size_t> prefix = insertion_point(old_text, new_text);
  if (!prefix) return false;
  std::string_view inserted = new_text.substr(*prefix, new_text.size() - old_text.size());
  auto number =
      static_cast<uint32_t>(std::count(new_text.begin(), new_text.begin() + *prefix, '\n'));
  size_t count = static_cast<size_t>(std::count(inserted.begin(), inserted.end(), '\n'));
  if (!inserted.empty() && inserted.back() != '\n') ++count;
  lines.reserve(lines.size() + count, inserted.size());
  while (!inserted.empty()) {
    size_t end = inserted.find('\n');
    size_t length = end == std::string_view::npos ? inserted.size() : end + 1;
    lines.push_back({++number, without_line_end(inserted.substr(0, length))});
    inserted.remove_prefix(length);
  }
  return true;
}

}  // namespace gate
