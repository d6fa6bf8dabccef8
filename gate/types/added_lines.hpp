#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gate {

struct AddedLine {
  uint32_t number = 0;    // 1-based line number in the new file
  std::string_view text;  // without the trailing newline
};

// The added lines of one file, their text kept back to back in one buffer: a large change adds
// hundreds of thousands of lines, and a string each was a third of the memory of `gate check`.
// Lines read from it stay valid while it lives and is not changed; copies are independent.
class AddedLines {
 public:
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = AddedLine;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = AddedLine;

    const_iterator() = default;
    const_iterator(const AddedLines* owner, size_t index) : owner_(owner), index_(index) {}
    AddedLine operator*() const { return (*owner_)[index_]; }
    const_iterator& operator++() {
      ++index_;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++index_;
      return before;
    }
    bool operator==(const const_iterator& other) const { return index_ == other.index_; }
    bool operator!=(const const_iterator& other) const { return index_ != other.index_; }
    size_t index() const { return index_; }

   private:
    const AddedLines* owner_ = nullptr;
    size_t index_ = 0;
  };

  // Copies the line's text into the buffer.
  void push_back(const AddedLine& line);
  void reserve(size_t lines, size_t text_bytes);
  void clear();
  // Forgets one line (its text stays in the buffer until the list is cleared).
  const_iterator erase(const_iterator position);

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  AddedLine operator[](size_t index) const {
    const Entry& entry = entries_[index];
    return {entry.number, std::string_view(text_).substr(entry.offset, entry.length)};
  }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, entries_.size()}; }

 private:
  struct Entry {
    size_t offset;
    uint32_t length;
    uint32_t number;
  };
  std::string text_;
  std::vector<Entry> entries_;
};

}  // namespace gate
