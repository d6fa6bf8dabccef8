#pragma once

#include <bitset>
#include <optional>
#include <string_view>
#include <vector>

namespace gate::data {

// A Table Schema pattern that is a fixed-length run of ASCII byte classes, such as
// "[A-Z]{2}-[0-9]{4}" or "^\d{5}$", checked without RE2's per-call cost (several hundred
// instructions, for codes of a few bytes, on every cell). RE2 stays the definition: parse()
// accepts only the subset whose full-match meaning is plain, and the validator falls back to RE2
// for every other pattern. The subset: literal ASCII letters, digits and "-_ :/,@#=", a backslash
// before ASCII punctuation, \d, \w, bracket classes of letters, digits and ranges of them, an
// optional {n} after each, and a leading ^ and trailing $ (full match is anchored anyway).
class FixedPattern {
 public:
  static std::optional<FixedPattern> parse(std::string_view pattern);

  // Whether the whole text matches, as RE2::FullMatch would decide.
  bool full_match(std::string_view text) const {
    if (text.size() != positions_.size()) return false;
    for (size_t i = 0; i < text.size(); ++i) {
      auto byte = static_cast<unsigned char>(text[i]);
      if (byte >= 128 || !positions_[i][byte]) return false;
    }
    return true;
  }

 private:
  // The class of each text position (ASCII only: a byte of 128 and up matches none).
  std::vector<std::bitset<128>> positions_;
};

}  // namespace gate::data
