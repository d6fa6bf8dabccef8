#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "rules/model/byte_reader.hpp"

// The two halves of the pickle walk's machine that do not judge anything: the value stack with
// its marks, and the reads of opcode arguments inside protocol 4 FRAMEs.
namespace gate::rules::model::pickle {

struct Malformed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A limit of the walk (not of Python's unpickler) was reached: the rest cannot be judged.
struct LimitReached : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A stack or memo slot: what the walk knows about the value the unpickler would hold there.
// Integers, short tuples, dicts, instances and NumPy dtypes are followed only as far as joblib's
// inline arrays need them: the bytes of an array follow the wrapper object that describes it.
enum class Kind : uint8_t {
  undefined,
  other,
  string,
  global,
  integer,
  tuple,
  dict,
  instance,
  dtype
};
struct Value {
  Kind kind = Kind::undefined;
  uint32_t ref = 0;  // the value (integer) or an index: strings_, globals, tuples_, dicts_, dtypes_
  bool operator==(const Value&) const = default;
};

// The unpickler's stack and MARKs, bounded by `max_stack` runs.
class ValueStack {
 public:
  explicit ValueStack(uint64_t max_stack) : max_stack_(max_stack) {}
  void clear();
  uint64_t depth() const { return depth_; }
  // The depth of the innermost MARK (0 without one).
  uint64_t floor() const { return marks_.empty() ? 0 : marks_.back().depth; }
  Value pop();
  const Value& top() const;
  // The value at stack position `index` (0 is the bottom); runs are searched from the top.
  Value value_at(uint64_t index) const;
  void truncate(uint64_t depth);
  void push_mark();
  void pop_mark();
  void push(Value v);

 private:
  // Equal neighbours on the stack (and marks at one depth) are kept as one run, so a pickle that
  // pushes millions of values costs the walk what it costs to count them.
  struct Run {
    Value value;
    uint64_t count = 0;
  };
  struct MarkRun {
    uint64_t depth = 0;
    uint64_t count = 0;
  };

  uint64_t max_stack_;
  std::vector<Run> runs_;
  uint64_t depth_ = 0;
  std::vector<MarkRun> marks_;
};

// Reads opcode arguments; a read that runs across the end of a FRAME is malformed, since
// unpicklers disagree on what follows.
class FramedReader {
 public:
  FramedReader(ByteReader& in, uint64_t max_line) : input_(in), max_line_(max_line) {}
  void reset_frame() { frame_end_ = 0; }
  void frame(uint64_t length);
  void read(char* out, uint64_t size);
  // A little-endian unsigned integer of `bytes` bytes.
  uint64_t u(size_t bytes);
  uint64_t signed_length();
  void skip(uint64_t size);
  // A text argument; `cut` is set when it was longer than the kept part.
  std::string line(bool* cut = nullptr);

 private:
  void crossing_check(uint64_t start, uint64_t end) const;

  ByteReader& input_;
  uint64_t max_line_;
  uint64_t frame_end_ = 0;
};

}  // namespace gate::rules::model::pickle
