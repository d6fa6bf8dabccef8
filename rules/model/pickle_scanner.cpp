#include "rules/model/pickle_scanner.hpp"

#include <array>
#include <cstring>
#include <map>
#include <stdexcept>

#include "rules/model/pickle_strings.hpp"

namespace gate::rules::model {

namespace {

struct Malformed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A stack or memo slot: what the walk knows about the value the unpickler would hold there.
enum class Kind : uint8_t { undefined, other, string, global };
struct Value {
  Kind kind = Kind::undefined;
  uint32_t ref = 0;  // index into strings_ (string) or globals (global)
};

class Walker {
 public:
  Walker(ByteReader& in, const PickleLimits& limits, PickleScan& out)
      : in_(in), limits_(limits), out_(out) {}

  // Walks one pickle up to and including STOP. Returns false when the stream is at its end
  // before the first opcode.
  bool walk_one() {
    stack_.clear();
    marks_.clear();
    memo_.clear();
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

 private:
  // Returns true at STOP.
  bool step(uint8_t op) {
    switch (op) {
      case '(':  // MARK
        if (marks_.size() >= limits_.max_stack) throw Malformed("too many nested MARKs");
        marks_.push_back(stack_.size());
        return false;
      case '.':
        pop();
        return true;  // STOP
      case '0':       // POP
        if (stack_.size() > floor())
          stack_.pop_back();
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
      case 'J':
        skip(4);
        push_other();
        return false;  // BININT
      case 'K':
        skip(1);
        push_other();
        return false;  // BININT1
      case 'M':
        skip(2);
        push_other();
        return false;  // BININT2
      case 'G':
        skip(8);
        push_other();
        return false;  // BINFLOAT
      case 0x8a:
        skip(u(1));
        push_other();
        return false;  // LONG1
      case 0x8b:
        skip(signed_length());
        push_other();
        return false;  // LONG4
      case 'N':
      case 0x88:
      case 0x89:
      case '}':
      case ']':
      case ')':
      case 0x8f:
        push_other();  // NONE NEWTRUE NEWFALSE EMPTY_DICT EMPTY_LIST EMPTY_TUPLE EMPTY_SET
        return false;
      case 'Q':
        pop();
        push_other();
        return false;  // BINPERSID
      case 'R':
        pop();
        pop();
        push_other();
        return false;  // REDUCE: args, callable
      case 'S':
        push_string(decode_python_string_literal(line()));
        return false;  // STRING
      case 'V':
        push_string(decode_raw_unicode_escape(line()));
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
      case 'b':
        pop();
        top();
        return false;  // BUILD: state onto the object below
      case 's':
        pop();
        pop();
        top();
        return false;  // SETITEM
      case 'u':
        pop_mark();
        top();
        return false;  // SETITEMS
      case 'd':
      case 'l':
      case 't':
      case 0x91:  // DICT LIST TUPLE FROZENSET
        pop_mark();
        push_other();
        return false;
      case 0x85:
        pop();
        push_other();
        return false;  // TUPLE1
      case 0x86:
        pop();
        pop();
        push_other();
        return false;  // TUPLE2
      case 0x87:
        pop();
        pop();
        pop();
        push_other();
        return false;  // TUPLE3
      case 'c': {      // GLOBAL module\nname\n
        std::string module = line();
        std::string name = line();
        push({Kind::global, add_global(module, name)});
        return false;
      }
      case 'i': {  // INST module\nname\n, then calls it with the marked arguments
        std::string module = line();
        std::string name = line();
        add_global(module, name);
        pop_mark();
        push_other();
        return false;
      }
      case 'o': {  // OBJ: class and arguments since the mark
        if (stack_.size() == floor()) throw Malformed("OBJ without a class after the mark");
        pop_mark();
        push_other();
        return false;
      }
      case 0x81:
        pop();
        pop();
        push_other();
        return false;  // NEWOBJ: args, cls
      case 0x92:
        pop();
        pop();
        pop();
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
        memo_put(memo_count_);
        return false;  // MEMOIZE
      case 0x80: {     // PROTO
        int protocol = static_cast<int>(u(1));
        if (protocol > 5)
          throw Malformed("unsupported pickle protocol " + std::to_string(protocol));
        out_.protocol = std::max(out_.protocol, protocol);
        return false;
      }
      case 0x95:
        u(8);
        return false;  // FRAME: a length hint only
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

  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }

  Value pop() {
    if (stack_.size() <= floor()) throw Malformed("stack underflow");
    Value v = stack_.back();
    stack_.pop_back();
    return v;
  }
  const Value& top() const {
    if (stack_.size() <= floor()) throw Malformed("stack underflow");
    return stack_.back();
  }
  void pop_mark() {
    if (marks_.empty()) throw Malformed("no MARK to pop to");
    stack_.resize(marks_.back());
    marks_.pop_back();
  }
  void push(Value v) {
    if (stack_.size() >= limits_.max_stack) {
      throw Malformed("stack deeper than " + std::to_string(limits_.max_stack) + " entries");
    }
    stack_.push_back(v);
  }
  void push_other() { push({Kind::other, 0}); }

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
    if (!in_.read_exact(text.data(), size)) throw Malformed("truncated string");
    push_string(std::move(text));
  }

  uint64_t u(size_t bytes) {
    std::array<unsigned char, 8> raw{};
    if (!in_.read_exact(reinterpret_cast<char*>(raw.data()), bytes)) throw Malformed("truncated");
    uint64_t value = 0;
    for (size_t i = bytes; i-- > 0;) value = (value << 8) | raw[i];
    return value;
  }
  uint64_t signed_length() {
    uint64_t raw = u(4);
    if (raw & 0x80000000u) throw Malformed("negative length");
    return raw;
  }
  void skip(uint64_t size) {
    if (in_.skip(size) != size) throw Malformed("truncated payload");
  }
  std::string line() {
    std::string text;
    if (!in_.read_line(text, limits_.max_line)) {
      throw Malformed("text argument unterminated or longer than " +
                      std::to_string(limits_.max_line) + " bytes");
    }
    return text;
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
    if (index >= memo_.size() || memo_[index].kind == Kind::undefined) {
      throw Malformed("memo index " + std::to_string(index) + " was never stored");
    }
    return memo_[index];
  }
  void memo_put(uint64_t index) {
    const Value& value = top();
    if (index >= limits_.max_memo) {
      throw Malformed("memo index " + std::to_string(index) + " beyond the limit of " +
                      std::to_string(limits_.max_memo));
    }
    if (index >= memo_.size()) memo_.resize(index + 1);
    if (memo_[index].kind == Kind::undefined) ++memo_count_;
    memo_[index] = value;
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
  std::vector<Value> stack_;
  std::vector<size_t> marks_;
  std::vector<Value> memo_;
  uint64_t memo_count_ = 0;
  std::vector<std::string> strings_;
  uint64_t kept_bytes_ = 0;
  std::map<std::string, uint32_t> global_index_;
};

}  // namespace

PickleScan scan_pickle(ByteReader& in, const PickleLimits& limits) {
  PickleScan out;
  Walker walker(in, limits, out);
  try {
    while (walker.walk_one()) {
      ++out.pickles;
      if (!limits.sequence) break;
    }
  } catch (const Malformed& error) {
    // In a sequence, bytes after a complete pickle may be raw storage data: stop quietly.
    if (out.pickles == 0) {
      out.malformed = "offset " + std::to_string(walker.opcode_offset_) + ": " + error.what();
    }
  }
  if (out.pickles == 0 && !out.malformed) out.malformed = "offset 0: empty file, no pickle";
  out.end_offset = in.offset();
  return out;
}

}  // namespace gate::rules::model
