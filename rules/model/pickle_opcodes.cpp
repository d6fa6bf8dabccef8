#include <cstdio>
#include <string>

#include "rules/model/pickle_walker.hpp"

// The opcodes of protocols 0 to 5, one case each, as CPython's unpickler reads them.
namespace gate::rules::model::pickle {

bool Walker::walk_one() {
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

bool Walker::step(uint8_t op) {
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
      push(arrays_.add_dict());
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
      push(arrays_.reduced(callable, args));
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
      arrays_.set_item(top(), key, value);
      return false;
    }
    case 'u': {  // SETITEMS
      std::vector<Value> items = marked_values();
      pop_mark();
      for (size_t i = 0; i + 1 < items.size(); i += 2) {
        arrays_.set_item(top(), items[i], items[i + 1]);
      }
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
      if (protocol > 5) throw Malformed("unsupported pickle protocol " + std::to_string(protocol));
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

}  // namespace gate::rules::model::pickle
