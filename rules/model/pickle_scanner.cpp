#include "rules/model/pickle_scanner.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "rules/model/pickle_machine.hpp"
#include "rules/model/pickle_strings.hpp"

namespace gate::rules::model {

namespace {

// torch.save's legacy format opens with this number, pickled as LONG1 (little-endian).
constexpr std::string_view kLegacyMagic("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 10);

using namespace pickle;

// The stack machine of Python's unpickler, tracking only what the judgement needs: imports,
// what is called, and the values joblib's inline arrays are described by.
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
  bool walk_one() {
    ValueStack::clear();
    memo_.clear();
    reset_frame();
    first_long_.reset();
    if (in_.peek() < 0) return false;
    while (true) {
      uint64_t at = in_.offset();
      int op = in_.next();
      if (op < 0) throw Malformed("pickle ends without STOP");
      opcode_offset_ = at;
      if (step(static_cast<uint8_t>(op))) return true;
    }
  }

  uint64_t opcode_offset_ = 0;
  // The payload of the first LONG1 of the pickle (the legacy magic number is one).
  std::optional<std::string> first_long_;

 private:
  // Returns true at STOP.
  bool step(uint8_t op) {
    switch (op) {
      case '(':  // MARK
        push_mark();
        return false;
      case '.': {  // STOP
        Value result = pop();
        out_.integer_result.reset();
        if (result.kind == Kind::integer) out_.integer_result = result.ref;
        return true;
      }
      case '0':  // POP
        if (depth() > floor())
          pop();
        else
          pop_mark();
        return false;
      case '1':
        pop_mark();
        return false;  // POP_MARK
      case '2':
        push(top());
        return false;  // DUP
      case 'F':
      case 'I':
      case 'L':
      case 'P':  // FLOAT INT LONG PERSID (text)
        line();
        push_other();
        return false;
      case 'J': {  // BININT (signed)
        uint64_t value = u(4);
        push_integer((value & 0x80000000u) ? std::nullopt : std::optional<uint64_t>(value));
        return false;
      }
      case 'K':
        push_integer(u(1));
        return false;  // BININT1
      case 'M':
        push_integer(u(2));
        return false;  // BININT2
      case 'G':
        skip(8);
        push_other();
        return false;  // BINFLOAT
      case 0x8a: {     // LONG1
        uint64_t size = u(1);
        if (!first_long_ && size == kLegacyMagic.size()) {
          std::string digits(size, '\0');
          read(digits.data(), size);
          first_long_ = std::move(digits);
        } else {
          skip(size);
        }
        push_other();
        return false;
      }
      case 0x8b:
        skip(signed_length());
        push_other();
        return false;  // LONG4
      case 'N':
      case 0x88:
      case 0x89:
      case ']':
      case 0x8f:
        push_other();  // NONE NEWTRUE NEWFALSE EMPTY_LIST EMPTY_SET
        return false;
      case '}':
        push_dict();
        return false;  // EMPTY_DICT
      case ')':
        push_tuple(0);
        return false;  // EMPTY_TUPLE
      case 'Q':
        pop();
        push_other();
        return false;  // BINPERSID
      case 'R': {      // REDUCE: args, callable
        Value args = pop();
        Value callable = pop();
        call(callable);
        push(reduced(callable, args));
        return false;
      }
      case 'S':
        push_line_string(false);
        return false;  // STRING
      case 'V':
        push_line_string(true);
        return false;  // UNICODE
      case 'T':
        push_blob_string(signed_length());
        return false;  // BINSTRING
      case 'U':
      case 0x8c:
        push_blob_string(u(1));
        return false;  // SHORT_BIN{STRING,UNICODE}
      case 'X':
        push_blob_string(u(4));
        return false;  // BINUNICODE
      case 0x8d:
        push_blob_string(u(8));
        return false;  // BINUNICODE8
      case 'B':
        skip(u(4));
        push_other();
        return false;  // BINBYTES
      case 'C':
        skip(u(1));
        push_other();
        return false;  // SHORT_BINBYTES
      case 0x8e:
      case 0x96:
        skip(u(8));
        push_other();
        return false;  // BINBYTES8 BYTEARRAY8
      case 'a':
        pop();
        top();
        return false;  // APPEND
      case 'e':
        pop_mark();
        top();
        return false;  // APPENDS
      case 0x90:
        pop_mark();
        top();
        return false;  // ADDITEMS
      case 'b': {      // BUILD: state onto the object below
        Value state = pop();
        build(top(), state);
        return false;
      }
      case 's': {  // SETITEM
        Value value = pop();
        Value key = pop();
        set_item(top(), key, value);
        return false;
      }
      case 'u': {  // SETITEMS
        std::vector<Value> items = marked_values();
        pop_mark();
        for (size_t i = 0; i + 1 < items.size(); i += 2) set_item(top(), items[i], items[i + 1]);
        return false;
      }
      case 't':
        push_tuple(depth() - floor(), true);
        return false;  // TUPLE
      case 'd':
      case 'l':
      case 0x91:  // DICT LIST FROZENSET
        pop_mark();
        push_other();
        return false;
      case 0x85:
        push_tuple(1);
        return false;  // TUPLE1
      case 0x86:
        push_tuple(2);
        return false;  // TUPLE2
      case 0x87:
        push_tuple(3);
        return false;  // TUPLE3
      case 'c': {      // GLOBAL module\nname\n
        auto global = global_operands();
        if (global)
          push({Kind::global, *global});
        else
          push_other();
        return false;
      }
      case 'i': {  // INST module\nname\n, then calls it with the marked arguments
        if (auto global = global_operands()) call({Kind::global, *global});
        pop_mark();
        push_other();
        return false;
      }
      case 'o': {  // OBJ: class and arguments since the mark
        if (depth() == floor()) throw Malformed("OBJ without a class after the mark");
        call(value_at(floor()));
        pop_mark();
        push_other();
        return false;
      }
      case 0x81: {  // NEWOBJ: args, cls
        pop();
        Value cls = pop();
        call(cls);
        push(cls.kind == Kind::global ? Value{Kind::instance, cls.ref} : Value{Kind::other, 0});
        return false;
      }
      case 0x92:
        pop();
        pop();
        call(pop());
        push_other();
        return false;  // NEWOBJ_EX
      case 0x93:
        stack_global();
        return false;  // STACK_GLOBAL
      case 0x82:
      case 0x83:
      case 0x84: {  // EXT1 EXT2 EXT4
        uint64_t code = u(op == 0x82 ? 1 : op == 0x83 ? 2 : 4);
        out_.unresolved.push_back("offset " + std::to_string(opcode_offset_) +
                                  ": extension registry code " + std::to_string(code));
        push_other();
        return false;
      }
      case 'g':
        push(memo_get(decimal(line())));
        return false;  // GET
      case 'h':
        push(memo_get(u(1)));
        return false;  // BINGET
      case 'j':
        push(memo_get(u(4)));
        return false;  // LONG_BINGET
      case 'p':
        memo_put(decimal(line()));
        return false;  // PUT
      case 'q':
        memo_put(u(1));
        return false;  // BINPUT
      case 'r':
        memo_put(u(4));
        return false;  // LONG_BINPUT
      case 0x94:
        memo_put(memo_.size());
        return false;  // MEMOIZE: the next index, as len(memo) in the unpickler
      case 0x80: {     // PROTO
        int protocol = static_cast<int>(u(1));
        if (protocol > 5)
          throw Malformed("unsupported pickle protocol " + std::to_string(protocol));
        out_.protocol = std::max(out_.protocol, protocol);
        return false;
      }
      case 0x95:
        frame(u(8));
        return false;
      case 0x97:
        push_other();
        return false;  // NEXT_BUFFER
      case 0x98:
        top();
        return false;  // READONLY_BUFFER
      default: {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", op);
        throw Malformed(std::string("unknown opcode ") + hex);
      }
    }
  }

  void push_other() { push({Kind::other, 0}); }
  void call(const Value& callable) {
    if (callable.kind == Kind::global) out_.globals[callable.ref].called = true;
  }

  // --- the values joblib's inline arrays are described by ------------------------------------

  static constexpr size_t kMaxTracked = 1u << 16;  // tuples, dicts and dtypes followed at most
  static constexpr size_t kMaxTupleItems = 8;
  static constexpr size_t kMaxDictItems = 16;

  struct DType {
    std::string descr;    // the first argument of numpy.dtype(...), such as "f8" or "O8"
    uint64_t elsize = 0;  // from the BUILD state when it names one
  };

  void push_integer(std::optional<uint64_t> value) {
    if (value && *value <= UINT32_MAX) {
      push({Kind::integer, static_cast<uint32_t>(*value)});
    } else {
      push_other();
    }
  }
  // The `count` values on top of the stack (after the mark when `marked`) become one tuple.
  void push_tuple(uint64_t count, bool marked = false) {
    std::vector<Value> items;
    bool kept = count <= kMaxTupleItems && tuples_.size() < kMaxTracked;
    if (kept) {
      for (uint64_t i = 0; i < count; ++i) items.push_back(value_at(depth() - count + i));
    }
    if (marked) {
      pop_mark();
    } else {
      for (uint64_t i = 0; i < count; ++i) pop();
    }
    if (!kept) {
      push_other();
      return;
    }
    tuples_.push_back(std::move(items));
    push({Kind::tuple, static_cast<uint32_t>(tuples_.size() - 1)});
  }
  void push_dict() {
    if (dicts_.size() >= kMaxTracked) {
      push_other();
      return;
    }
    dicts_.emplace_back();
    push({Kind::dict, static_cast<uint32_t>(dicts_.size() - 1)});
  }
  std::vector<Value> marked_values() const {
    std::vector<Value> items;
    uint64_t count = depth() - floor();
    if (count > 2 * kMaxDictItems) return items;
    for (uint64_t i = 0; i < count; ++i) items.push_back(value_at(floor() + i));
    return items;
  }
  void set_item(const Value& dict, const Value& key, const Value& value) {
    if (dict.kind != Kind::dict || key.kind != Kind::string) return;
    auto& items = dicts_[dict.ref];
    if (items.size() < kMaxDictItems || items.count(strings_[key.ref])) {
      items[strings_[key.ref]] = value;
    }
  }
  const Value* dict_item(const Value& dict, const std::string& key) const {
    if (dict.kind != Kind::dict) return nullptr;
    auto found = dicts_[dict.ref].find(key);
    return found == dicts_[dict.ref].end() ? nullptr : &found->second;
  }
  bool is_global(const Value& value, std::string_view full_name) const {
    return value.kind == Kind::global && out_.globals[value.ref].full_name() == full_name;
  }
  // What REDUCE leaves: a dtype for numpy.dtype("f8", ...), an instance for a class rebuilt by
  // copyreg._reconstructor or called directly, anything else otherwise.
  Value reduced(const Value& callable, const Value& args) {
    const std::vector<Value>* items = args.kind == Kind::tuple ? &tuples_[args.ref] : nullptr;
    if (is_global(callable, "numpy.dtype") && items && !items->empty() &&
        (*items)[0].kind == Kind::string && dtypes_.size() < kMaxTracked) {
      dtypes_.push_back({strings_[(*items)[0].ref], 0});
      return {Kind::dtype, static_cast<uint32_t>(dtypes_.size() - 1)};
    }
    if (is_global(callable, "copyreg._reconstructor") && items && !items->empty() &&
        (*items)[0].kind == Kind::global) {
      return {Kind::instance, (*items)[0].ref};
    }
    if (callable.kind == Kind::global) return {Kind::instance, callable.ref};
    return {Kind::other, 0};
  }
  void build(const Value& object, const Value& state) {
    if (object.kind == Kind::dtype && state.kind == Kind::tuple) {
      const auto& items = tuples_[state.ref];
      if (items.size() > 5 && items[5].kind == Kind::integer)
        dtypes_[object.ref].elsize = items[5].ref;
      return;
    }
    if (object.kind == Kind::instance &&
        out_.globals[object.ref].full_name() == "joblib.numpy_pickle.NumpyArrayWrapper") {
      read_past_joblib_array(state);
    }
  }
  // joblib's unpickler reads the array's bytes right after the wrapper's BUILD: a padding length
  // byte and padding (joblib 1.2 and later), then the data; object arrays are a pickle instead.
  void read_past_joblib_array(const Value& state) {
    const Value* shape = dict_item(state, "shape");
    const Value* dtype = dict_item(state, "dtype");
    if (!shape || shape->kind != Kind::tuple || !dtype || dtype->kind != Kind::dtype) {
      throw LimitReached("joblib array whose shape or dtype cannot be read from the bytes");
    }
    const DType& type = dtypes_[dtype->ref];
    if (!type.descr.empty() && type.descr[0] == 'O') {
      Walker nested(in_, limits_, out_);
      if (!nested.walk_one()) throw Malformed("joblib object array without its pickle");
      return;
    }
    uint64_t count = 1;
    for (const Value& dim : tuples_[shape->ref]) {
      if (dim.kind != Kind::integer)
        throw LimitReached("joblib array with a shape of non-integers");
      if (dim.ref != 0 && count > UINT64_MAX / dim.ref) throw Malformed("joblib array too large");
      count *= dim.ref;
    }
    uint64_t itemsize = type.elsize ? type.elsize : descr_itemsize(type.descr);
    if (itemsize == 0) throw LimitReached("joblib array of dtype '" + type.descr + "'");
    if (count > UINT64_MAX / itemsize) throw Malformed("joblib array too large");
    const Value* alignment = dict_item(state, "numpy_array_alignment_bytes");
    if (alignment && alignment->kind == Kind::integer) skip(u(1));
    skip(count * itemsize);
  }
  // Bytes per element of a fixed-size NumPy type code ("f8", "<i4", "|b1"); 0 when unknown.
  static uint64_t descr_itemsize(std::string_view descr) {
    if (!descr.empty() &&
        (descr[0] == '<' || descr[0] == '>' || descr[0] == '|' || descr[0] == '=')) {
      descr.remove_prefix(1);
    }
    if (descr.size() < 2 || std::string_view("biufcmM?").find(descr[0]) == std::string_view::npos) {
      return 0;
    }
    uint64_t size = 0;
    for (char c : descr.substr(1)) {
      if (c < '0' || c > '9' || size > 64) return 0;
      size = size * 10 + static_cast<uint64_t>(c - '0');
    }
    return size;
  }

  void push_string(std::string text) {
    if (text.size() > limits_.max_kept_string ||
        kept_bytes_ + text.size() > limits_.max_kept_bytes) {
      push_other();
      return;
    }
    kept_bytes_ += text.size();
    strings_.push_back(std::move(text));
    push({Kind::string, static_cast<uint32_t>(strings_.size() - 1)});
  }
  void push_blob_string(uint64_t size) {
    if (size > limits_.max_kept_string) {
      skip(size);
      push_other();
      return;
    }
    std::string text(size, '\0');
    read(text.data(), size);
    push_string(std::move(text));
  }

  // Python's C unpickler holds a frame in a buffer and serves reads from it; a read that runs past
  // the frame's end drops the rest of the buffer and continues after it when the file cannot be
  // peeked (io.BytesIO, as torch reads data.pkl), but not when it can. Pickle writers end frames
  // on opcode boundaries, so a read across a frame's end is a file meant to be read two ways.
  // A text value: a long one is read past and stands for a value no name can come from.
  void push_line_string(bool unicode) {
    bool cut = false;
    std::string text = line(&cut);
    if (cut) {
      push_other();
      return;
    }
    push_string(unicode ? decode_raw_unicode_escape(text) : decode_python_string_literal(text));
  }
  // The module and name of GLOBAL and INST, or an unresolved import when either was too long.
  std::optional<uint32_t> global_operands() {
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
  uint64_t decimal(const std::string& text) {
    if (text.empty() || text.size() > 12) throw Malformed("bad memo index '" + text + "'");
    uint64_t value = 0;
    for (char c : text) {
      if (c < '0' || c > '9') throw Malformed("bad memo index '" + text + "'");
      value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    return value;
  }

  Value memo_get(uint64_t index) {
    auto found = memo_.find(index);
    if (found == memo_.end()) {
      throw Malformed("memo index " + std::to_string(index) + " was never stored");
    }
    return found->second;
  }
  void memo_put(uint64_t index) {
    const Value& value = top();
    auto [slot, added] = memo_.try_emplace(index, value);
    if (!added) {
      slot->second = value;
    } else if (memo_.size() > limits_.max_memo) {
      throw LimitReached("memo holds more than " + std::to_string(limits_.max_memo) + " entries");
    }
  }

  void stack_global() {
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

  uint32_t add_global(std::string module, std::string name) {
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

  ByteReader& in_;
  const PickleLimits& limits_;
  PickleScan& out_;
  std::unordered_map<uint64_t, Value> memo_;
  std::vector<std::string> strings_;
  std::vector<std::vector<Value>> tuples_;
  std::vector<std::map<std::string, Value>> dicts_;
  std::vector<DType> dtypes_;
  uint64_t kept_bytes_ = 0;
  std::map<std::string, uint32_t> global_index_;
};

}  // namespace

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
