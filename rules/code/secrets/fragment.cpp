#include "rules/code/secrets/fragment.hpp"

#include <algorithm>

namespace gate::secrets {

void Fragment::add_line(uint32_t number, std::string_view line, uint32_t column_base) {
  if (!line_starts.empty()) text += '\n';
  line_starts.push_back(text.size());
  line_numbers.push_back(number);
  column_bases.push_back(column_base);
  text.append(line.data(), line.size());
}

void Fragment::clear() {
  text.clear();
  line_starts.clear();
  line_numbers.clear();
  column_bases.clear();
}

void Fragment::reserve(size_t bytes, size_t lines) {
  text.reserve(bytes);
  line_starts.reserve(lines);
  line_numbers.reserve(lines);
  column_bases.reserve(lines);
}

size_t Fragment::line_index_of(size_t offset) const {
  auto it = std::upper_bound(line_starts.begin(), line_starts.end(), offset);
  return it == line_starts.begin() ? 0 : static_cast<size_t>(it - line_starts.begin()) - 1;
}

size_t Fragment::line_end(size_t index) const {
  return index + 1 < line_starts.size() ? line_starts[index + 1] - 1 : text.size();
}

std::string_view Fragment::line(size_t index) const {
  return std::string_view(text).substr(line_starts[index], line_end(index) - line_starts[index]);
}

Fragment printable_runs(std::string_view blob, size_t min_run) {
  Fragment fragment;
  uint32_t line = 1;
  size_t line_start = 0;
  size_t run_start = 0;
  auto flush = [&](size_t end) {
    if (end - run_start >= min_run) {
      fragment.add_line(line, blob.substr(run_start, end - run_start),
                        static_cast<uint32_t>(run_start - line_start));
    }
  };
  for (size_t i = 0; i < blob.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(blob[i]);
    bool printable = (c >= 0x20 && c < 0x7f) || c == '\t';
    if (printable) continue;
    flush(i);
    if (c == '\n') {
      ++line;
      line_start = i + 1;
    }
    run_start = i + 1;
  }
  flush(blob.size());
  return fragment;
}

}  // namespace gate::secrets
