#include "rules/data/fixed_pattern.hpp"

#include <string>

namespace gate::data {

namespace {

constexpr size_t kMaxLength = 1024;  // longer fixed patterns are left to RE2

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// Escaped, these are literals in RE2 ('_' is left out: RE2 does not take "\_").
bool is_ascii_punct(char c) { return c > ' ' && c < 0x7F && !is_alnum(c) && c != '_'; }

std::bitset<128> range(char first, char last) {
  std::bitset<128> set;
  for (int c = first; c <= last; ++c) set.set(static_cast<size_t>(c));
  return set;
}

// One atom at `pos`: its byte class, with `pos` moved past it; nullopt outside the subset.
std::optional<std::bitset<128>> read_atom(std::string_view pattern, size_t& pos) {
  char c = pattern[pos];
  if (is_alnum(c) || std::string_view("-_ :/,@#=").find(c) != std::string_view::npos) {
    ++pos;
    return range(c, c);
  }
  if (c == '\\') {
    if (pos + 1 >= pattern.size()) return std::nullopt;
    char escaped = pattern[pos + 1];
    pos += 2;
    if (escaped == 'd') return range('0', '9');
    if (escaped == 'w')
      return range('0', '9') | range('a', 'z') | range('A', 'Z') | range('_', '_');
    if (is_ascii_punct(escaped)) return range(escaped, escaped);
    return std::nullopt;  // \s, \b, \pN, \x41, ...: RE2's business
  }
  if (c != '[') return std::nullopt;
  std::bitset<128> set;
  size_t i = pos + 1;
  if (i < pattern.size() && pattern[i] == ']') return std::nullopt;  // "[]" or "[]a]"
  while (i < pattern.size() && pattern[i] != ']') {
    char first = pattern[i];
    if (!is_alnum(first)) return std::nullopt;  // ^, \, [:alpha:], punctuation ...
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      char last = pattern[i + 2];
      if (!is_alnum(last) || last < first) return std::nullopt;
      set |= range(first, last);
      i += 3;
    } else {
      set |= range(first, first);
      ++i;
    }
  }
  if (i >= pattern.size()) return std::nullopt;
  pos = i + 1;
  return set;
}

// "{n}" at `pos`, if there: the count, with `pos` moved past it. nullopt for any other quantifier.
std::optional<size_t> read_count(std::string_view pattern, size_t& pos) {
  if (pos >= pattern.size()) return 1;
  char c = pattern[pos];
  if (c == '*' || c == '+' || c == '?') return std::nullopt;
  if (c != '{') return 1;
  size_t i = pos + 1;
  size_t count = 0;
  while (i < pattern.size() && pattern[i] >= '0' && pattern[i] <= '9' && count <= kMaxLength) {
    count = count * 10 + static_cast<size_t>(pattern[i] - '0');
    ++i;
  }
  if (i == pos + 1 || i >= pattern.size() || pattern[i] != '}' || count > kMaxLength) {
    return std::nullopt;  // {m,n}, {m,}, or a literal "{" RE2 would take as text
  }
  pos = i + 1;
  if (pos < pattern.size() && (pattern[pos] == '?' || pattern[pos] == '+')) return std::nullopt;
  return count;
}

}  // namespace

std::optional<FixedPattern> FixedPattern::parse(std::string_view pattern) {
  if (!pattern.empty() && pattern.front() == '^') pattern.remove_prefix(1);
  if (!pattern.empty() && pattern.back() == '$') {
    // An escaped "\$" is a literal dollar, not an anchor: leave those to RE2.
    if (pattern.size() >= 2 && pattern[pattern.size() - 2] == '\\') return std::nullopt;
    pattern.remove_suffix(1);
  }
  FixedPattern fixed;
  size_t pos = 0;
  while (pos < pattern.size()) {
    std::optional<std::bitset<128>> atom = read_atom(pattern, pos);
    if (!atom) return std::nullopt;
    std::optional<size_t> count = read_count(pattern, pos);
    if (!count || fixed.positions_.size() + *count > kMaxLength) return std::nullopt;
    fixed.positions_.insert(fixed.positions_.end(), *count, *atom);
  }
  return fixed;
}

}  // namespace gate::data
