#include "rules/model/pickle_machine.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace gate::rules::model::pickle {

void ValueStack::clear() {
  runs_.clear();
  depth_ = 0;
  marks_.clear();
}

Value ValueStack::pop() {
  if (depth_ <= floor()) throw Malformed("stack underflow");
  Run& run = runs_.back();
  Value v = run.value;
  if (--run.count == 0) runs_.pop_back();
  --depth_;
  return v;
}

const Value& ValueStack::top() const {
  if (depth_ <= floor()) throw Malformed("stack underflow");
  return runs_.back().value;
}

Value ValueStack::value_at(uint64_t index) const {
  uint64_t end = depth_;
  for (auto run = runs_.rbegin(); run != runs_.rend(); ++run) {
    if (index >= end - run->count) return run->value;
    end -= run->count;
  }
  throw Malformed("stack underflow");
}

void ValueStack::truncate(uint64_t depth) {
  while (depth_ > depth) {
    Run& run = runs_.back();
    uint64_t drop = std::min(run.count, depth_ - depth);
    run.count -= drop;
    depth_ -= drop;
    if (run.count == 0) runs_.pop_back();
  }
}

void ValueStack::push_mark() {
  if (!marks_.empty() && marks_.back().depth == depth_) {
    ++marks_.back().count;
  } else {
    if (marks_.size() >= max_stack_) {
      throw LimitReached("more than " + std::to_string(max_stack_) +
                         " nested MARKs at distinct depths");
    }
    marks_.push_back({depth_, 1});
  }
}

void ValueStack::pop_mark() {
  if (marks_.empty()) throw Malformed("no MARK to pop to");
  truncate(marks_.back().depth);
  if (--marks_.back().count == 0) marks_.pop_back();
}

void ValueStack::push(Value v) {
  if (!runs_.empty() && runs_.back().value == v) {
    ++runs_.back().count;
  } else {
    if (runs_.size() >= max_stack_) {
      throw LimitReached("stack holds more than " + std::to_string(max_stack_) +
                         " distinct neighbouring values");
    }
    runs_.push_back({v, 1});
  }
  ++depth_;
}

void FramedReader::frame(uint64_t length) {
  uint64_t start = input_.offset();
  crossing_check(start, start + length);
  if (start >= frame_end_) frame_end_ = start + length;
}

void FramedReader::crossing_check(uint64_t start, uint64_t end) const {
  if (start < frame_end_ && end > frame_end_) {
    throw Malformed("a read runs across the end of the FRAME ending at offset " +
                    std::to_string(frame_end_) +
                    "; unpicklers disagree on what follows (frames end on opcode boundaries)");
  }
}

void FramedReader::read(char* out, uint64_t size) {
  uint64_t start = input_.offset();
  if (!input_.read_exact(out, size)) throw Malformed("truncated");
  crossing_check(start, input_.offset());
}

uint64_t FramedReader::u(size_t bytes) {
  std::array<unsigned char, 8> raw{};
  read(reinterpret_cast<char*>(raw.data()), bytes);
  uint64_t value = 0;
  for (size_t i = bytes; i-- > 0;) value = (value << 8) | raw[i];
  return value;
}

uint64_t FramedReader::signed_length() {
  uint64_t raw = u(4);
  if (raw & 0x80000000u) throw Malformed("negative length");
  return raw;
}

void FramedReader::skip(uint64_t size) {
  uint64_t start = input_.offset();
  if (input_.skip(size) != size) throw Malformed("truncated payload");
  crossing_check(start, input_.offset());
}

std::string FramedReader::line(bool* cut) {
  std::string text;
  bool longer = false;
  uint64_t start = input_.offset();
  if (!input_.read_line(text, max_line_, longer)) {
    throw Malformed("text argument without its newline");
  }
  crossing_check(start, input_.offset());
  if (cut) *cut = longer;
  return text;
}

}  // namespace gate::rules::model::pickle
