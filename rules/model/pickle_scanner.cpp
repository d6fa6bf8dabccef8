#include "rules/model/pickle_scanner.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "rules/model/pickle_arrays.hpp"
#include "rules/model/pickle_machine.hpp"
#include "rules/model/pickle_strings.hpp"
#include "rules/model/pickle_walker.hpp"

// What the walk's opcodes do to the values, strings, memo and imports it follows.
namespace gate::rules::model::pickle {

void Walker::call(const Value& callable) {
  if (callable.kind == Kind::global) out_.globals[callable.ref].called = true;
}

void Walker::push_integer(std::optional<uint64_t> value) {
  if (value && *value <= UINT32_MAX) {
    push({Kind::integer, static_cast<uint32_t>(*value)});
  } else {
    push_other();
  }
}

void Walker::push_tuple(uint64_t count, bool marked) {
  std::vector<Value> items;
  bool kept = arrays_.follows_tuple(count);
  if (kept) {
    for (uint64_t i = 0; i < count; ++i) items.push_back(value_at(depth() - count + i));
  }
  if (marked) {
    pop_mark();
  } else {
    for (uint64_t i = 0; i < count; ++i) pop();
  }
  push(kept ? arrays_.add_tuple(std::move(items)) : Value{Kind::other, 0});
}

std::vector<Value> Walker::marked_values() const {
  std::vector<Value> items;
  uint64_t count = depth() - floor();
  if (count > ArrayDescriptions::kMaxMarkedItems) return items;
  for (uint64_t i = 0; i < count; ++i) items.push_back(value_at(floor() + i));
  return items;
}

void Walker::build(const Value& object, const Value& state) {
  auto array = arrays_.build(object, state);
  if (!array) return;
  if (array->object) {
    Walker nested(in_, limits_, out_);
    if (!nested.walk_one()) throw Malformed("joblib object array without its pickle");
    return;
  }
  if (array->padded) skip(u(1));
  skip(array->bytes);
}

void Walker::push_string(std::string text) {
  if (text.size() > limits_.max_kept_string || kept_bytes_ + text.size() > limits_.max_kept_bytes) {
    push_other();
    return;
  }
  kept_bytes_ += text.size();
  strings_.push_back(std::move(text));
  push({Kind::string, static_cast<uint32_t>(strings_.size() - 1)});
}

void Walker::push_blob_string(uint64_t size) {
  if (size > limits_.max_kept_string) {
    skip(size);
    push_other();
    return;
  }
  std::string text(size, '\0');
  read(text.data(), size);
  push_string(std::move(text));
}

void Walker::push_line_string(bool unicode) {
  bool cut = false;
  std::string text = line(&cut);
  if (cut) {
    push_other();
    return;
  }
  push_string(unicode ? decode_raw_unicode_escape(text) : decode_python_string_literal(text));
}

std::optional<uint32_t> Walker::global_operands() {
  bool cut_module = false;
  bool cut_name = false;
  std::string module = line(&cut_module);
  std::string name = line(&cut_name);
  if (cut_module || cut_name) {
    out_.unresolved.push_back("offset " + std::to_string(opcode_offset_) +
                              ": import whose name is longer than " +
                              std::to_string(limits_.max_line) + " bytes");
    return std::nullopt;
  }
  return add_global(module, name);
}

uint64_t Walker::decimal(const std::string& text) {
  if (text.empty() || text.size() > 12) throw Malformed("bad memo index '" + text + "'");
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') throw Malformed("bad memo index '" + text + "'");
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

Value Walker::memo_get(uint64_t index) {
  auto found = memo_.find(index);
  if (found == memo_.end()) {
    throw Malformed("memo index " + std::to_string(index) + " was never stored");
  }
  return found->second;
}

void Walker::memo_put(uint64_t index) {
  const Value& value = top();
  auto [slot, added] = memo_.try_emplace(index, value);
  if (!added) {
    slot->second = value;
  } else if (memo_.size() > limits_.max_memo) {
    throw LimitReached("memo holds more than " + std::to_string(limits_.max_memo) + " entries");
  }
}

void Walker::stack_global() {
  Value name = pop();
  Value module = pop();
  if (name.kind != Kind::string || module.kind != Kind::string) {
    out_.unresolved.push_back("offset " + std::to_string(opcode_offset_) +
                              ": STACK_GLOBAL with operands that are not constant strings");
    push_other();
    return;
  }
  push({Kind::global, add_global(strings_[module.ref], strings_[name.ref])});
}

uint32_t Walker::add_global(std::string module, std::string name) {
  module = python3_module_name(module);
  std::string key = module + '\n' + name;
  auto found = global_index_.find(key);
  if (found != global_index_.end()) {
    ++out_.globals[found->second].count;
    return found->second;
  }
  PickleGlobal global{std::move(module), std::move(name), opcode_offset_, 1};
  out_.globals.push_back(std::move(global));
  uint32_t index = static_cast<uint32_t>(out_.globals.size() - 1);
  global_index_.emplace(std::move(key), index);
  return index;
}

}  // namespace gate::rules::model::pickle

namespace gate::rules::model {

using namespace pickle;

PickleScan scan_pickle(ByteReader& in, const PickleLimits& limits) {
  PickleScan out;
  Walker walker(in, limits, out);
  auto where = [&](const std::exception& error) {
    return "offset " + std::to_string(walker.opcode_offset_) + ": " + error.what();
  };
  // torch's legacy loader reads five pickles (magic, protocol, sys_info, the object, the storage
  // keys) and then raw storage bytes; pickle.load reads one, and tools that read on stop where
  // the next byte does not open another pickle.
  constexpr uint32_t kLegacyPickles = 5;
  try {
    while (walker.walk_one()) {
      ++out.pickles;
      if (out.pickles == 1) out.legacy_torch = walker.first_long_ == kLegacyMagic;
      if (!limits.sequence) break;
      if (out.legacy_torch) {
        if (out.pickles == kLegacyPickles) break;
        if (in.peek() < 0) throw Malformed("legacy checkpoint ends before its storage keys");
      } else if (in.peek() != 0x80) {
        break;
      }
    }
  } catch (const LimitReached& error) {
    out.incomplete = where(error);
  } catch (const Malformed& error) {
    // A later pickle of a plain sequence ends where the unpickler raises too; the imports read
    // before that point are kept.
    if (out.pickles == 0 || (out.legacy_torch && out.pickles < kLegacyPickles)) {
      out.malformed = where(error);
    }
  }
  if (out.pickles == 0 && !out.malformed && !out.incomplete) {
    out.malformed = "offset 0: empty file, no pickle";
  }
  out.end_offset = in.offset();
  return out;
}

}  // namespace gate::rules::model
