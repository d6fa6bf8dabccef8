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
  bool called = false;  // used as the callable of REDUCE, NEWOBJ, OBJ or INST
  std::string full_name() const { return module + "." + name; }
};

// Python's unpickler has no limits but memory, so reaching one of these is reported as a part
// of the file that could not be judged, never passed over in silence.
struct PickleLimits {
  size_t max_stack = 1u << 21;          // distinct stack runs (equal neighbours are counted)
  size_t max_memo = 1u << 22;           // memo entries
  size_t max_line = 1u << 20;           // bytes kept of a text argument (the rest is read past)
  size_t max_kept_string = 1024;        // longer strings cannot be module or attribute names
  uint64_t max_kept_bytes = 32u << 20;  // total bytes of strings remembered for STACK_GLOBAL
  // Several pickles back to back: a legacy torch.save file (magic number first) is walked through
  // its five pickles; any other file on while the next byte opens another pickle (PROTO).
  bool sequence = false;
};

// Why a walk could not judge some part of the pickle.
struct PickleScan {
  std::vector<PickleGlobal> globals;    // in order of first import, one entry a module.name
  std::vector<std::string> unresolved;  // imports whose target cannot be known from the bytes
  // Set when a pickle the loader reads is malformed: "offset N: reason". In a plain sequence a
  // later pickle ends the walk where Python's unpickler would raise, without a verdict.
  std::optional<std::string> malformed;
  // Set when a limit stopped the walk before the end: "offset N: reason".
  std::optional<std::string> incomplete;
  bool legacy_torch = false;  // the first pickle is torch.save's legacy magic number
  // The value of the last pickle walked, when it is an integer below 2^32 (a count of records).
  std::optional<uint64_t> integer_result;
  uint32_t pickles = 0;  // complete pickles walked
  int protocol = 0;      // highest PROTO seen
  uint64_t end_offset = 0;
};

// Walks pickle opcodes (protocols 0 to 5) without executing anything. It keeps a symbolic stack
// and memo so that globals built from strings (STACK_GLOBAL) are resolved even when the strings
// travel through PUT/GET/MEMOIZE. Memory is bounded by `limits`; payload bytes are skipped.
PickleScan scan_pickle(ByteReader& in, const PickleLimits& limits = {});

}  // namespace gate::rules::model
