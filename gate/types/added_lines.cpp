#include "gate/types/added_lines.hpp"

#include <limits>
#include <stdexcept>

namespace gate {

void AddedLines::push_back(const AddedLine& line) {
  if (line.text.size() > std::numeric_limits<uint32_t>::max()) {
    throw std::length_error("an added line longer than 4 GiB");
  }
  entries_.push_back({text_.size(), static_cast<uint32_t>(line.text.size()), line.number});
  text_.append(line.text);
}

void AddedLines::reserve(size_t lines, size_t text_bytes) {
  entries_.reserve(lines);
  text_.reserve(text_bytes);
}

void AddedLines::clear() {
  entries_.clear();
  text_.clear();
}

AddedLines::const_iterator AddedLines::erase(const_iterator position) {
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(position.index()));
  return {this, position.index()};
}

}  // namespace gate
