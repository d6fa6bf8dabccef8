#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rules/model/byte_reader.hpp"

namespace gate::rules::model {

// A global (module attribute) that loading the pickle would import: GLOBAL, INST, or
// STACK_GLOBAL whose operands were resolved through the stack and the memo.
struct PickleGlobal {
  std::string module;  // Python 2 names mapped as the unpickler maps them (__builtin__ -> builtins)
  std::string name;
  uint64_t offset = 0;  // of the first opcode that imported it
  uint32_t count = 0;   // how many times it is imported
  std::string full_name() const { return module + "." + name; }
};

struct PickleLimits {
  size_t max_stack = 1u << 21;          // stack entries (deep nesting is bounded here)
  size_t max_memo = 1u << 22;           // highest memo index accepted
  size_t max_line = 1u << 20;           // text opcodes (protocol 0) longer than this are hostile
  size_t max_kept_string = 1024;        // longer strings cannot be module or attribute names
  uint64_t max_kept_bytes = 32u << 20;  // total bytes of strings remembered for STACK_GLOBAL
  bool sequence = false;                // several pickles back to back (legacy torch.save, joblib)
};

// Why a walk could not judge some part of the pickle.
struct PickleScan {
  std::vector<PickleGlobal> globals;    // in order of first import, one entry a module.name
  std::vector<std::string> unresolved;  // imports whose target cannot be known from the bytes
  // Set when the first pickle is malformed (the unpickler would fail or we would lose track):
  // "offset N: reason". Malformed data after a complete pickle in a sequence ends the walk
  // quietly (legacy formats put raw storage bytes there).
  std::optional<std::string> malformed;
  uint32_t pickles = 0;  // complete pickles walked
  int protocol = 0;      // highest PROTO seen
  uint64_t end_offset = 0;
};

// Walks pickle opcodes (protocols 0 to 5) without executing anything. It keeps a symbolic stack
// and memo so that globals built from strings (STACK_GLOBAL) are resolved even when the strings
// travel through PUT/GET/MEMOIZE. Memory is bounded by `limits`; payload bytes are skipped.
PickleScan scan_pickle(ByteReader& in, const PickleLimits& limits = {});

}  // namespace gate::rules::model
