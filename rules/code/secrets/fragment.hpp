#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gate::secrets {

// Text handed to the scanner: lines of one file joined by '\n' (the added lines of a diff, a
// window of a large blob, or the printable runs of a binary file), with where each came from.
struct Fragment {
  std::string text;
  std::vector<size_t> line_starts;     // offset of each line in `text`
  std::vector<uint32_t> line_numbers;  // 1-based line number in the file of each line
  std::vector<uint32_t>
      column_bases;  // added to the 1-based column (printable runs start mid-line)

  void add_line(uint32_t number, std::string_view line, uint32_t column_base = 0);
  void clear();
  void reserve(size_t bytes, size_t lines);
  size_t line_count() const { return line_starts.size(); }
  size_t line_index_of(size_t offset) const;  // the line that holds `offset`
  size_t line_end(size_t index) const;        // offset one past the line (its '\n' excluded)
  std::string_view line(size_t index) const;
};

// Splits a blob Git considers binary into the runs of printable ASCII (and tab) of at least
// `min_run` bytes, each a line of the fragment numbered by the '\n' count before it, so a token
// embedded in a small binary (a compiled config, a notebook export, a .pyc) is still found.
Fragment printable_runs(std::string_view blob, size_t min_run = 8);

}  // namespace gate::secrets
