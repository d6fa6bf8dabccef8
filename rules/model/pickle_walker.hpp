#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/model/byte_reader.hpp"
#include "rules/model/pickle_arrays.hpp"
#include "rules/model/pickle_machine.hpp"
#include "rules/model/pickle_scanner.hpp"

// The pickle walk inside scan_pickle: its opcodes (pickle_opcodes.cpp) and what they do to the
// values, strings, memo and imports it follows (pickle_scanner.cpp).
namespace gate::rules::model::pickle {

// torch.save's legacy format opens with this number, pickled as LONG1 (little-endian).
inline constexpr std::string_view kLegacyMagic("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 10);

// The stack machine of Python's unpickler, tracking only what the judgement needs: imports,
// what is called, and (pickle_arrays) the values joblib's inline arrays are described by.
class Walker : private ValueStack, private FramedReader {
 public:
  Walker(ByteReader& in, const PickleLimits& limits, PickleScan& out)
      : ValueStack(limits.max_stack),
        FramedReader(in, limits.max_line),
        in_(in),
        limits_(limits),
        out_(out) {}

  // Walks one pickle up to and including STOP. Returns false when the stream is at its end
  // before the first opcode.
  bool walk_one();

  uint64_t opcode_offset_ = 0;
  // The payload of the first LONG1 of the pickle (the legacy magic number is one).
  std::optional<std::string> first_long_;

 private:
  // Returns true at STOP.
  bool step(uint8_t op);

  void push_other() { push({Kind::other, 0}); }
  void call(const Value& callable);

  void push_integer(std::optional<uint64_t> value);
  // The `count` values on top of the stack (after the mark when `marked`) become one tuple.
  void push_tuple(uint64_t count, bool marked = false);
  std::vector<Value> marked_values() const;
  // joblib's unpickler reads the array's bytes right after the wrapper's BUILD.
  void build(const Value& object, const Value& state);

  void push_string(std::string text);
  void push_blob_string(uint64_t size);

  // Python's C unpickler holds a frame in a buffer and serves reads from it; a read that runs past
  // the frame's end drops the rest of the buffer and continues after it when the file cannot be
  // peeked (io.BytesIO, as torch reads data.pkl), but not when it can. Pickle writers end frames
  // on opcode boundaries, so a read across a frame's end is a file meant to be read two ways.
  // A text value: a long one is read past and stands for a value no name can come from.
  void push_line_string(bool unicode);
  // The module and name of GLOBAL and INST, or an unresolved import when either was too long.
  std::optional<uint32_t> global_operands();
  uint64_t decimal(const std::string& text);

  Value memo_get(uint64_t index);
  void memo_put(uint64_t index);

  void stack_global();

  uint32_t add_global(std::string module, std::string name);

  ByteReader& in_;
  const PickleLimits& limits_;
  PickleScan& out_;
  std::unordered_map<uint64_t, Value> memo_;
  std::vector<std::string> strings_;
  ArrayDescriptions arrays_{strings_, out_.globals};
  uint64_t kept_bytes_ = 0;
  std::map<std::string, uint32_t> global_index_;
};

}  // namespace gate::rules::model::pickle
