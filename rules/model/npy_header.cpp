#include "rules/model/npy_header.hpp"

#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>

namespace gate::rules::model {

namespace {

constexpr uint64_t kMaxHeader = 64 * 1024;
constexpr int kMaxDepth = 16;

struct HeaderError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The Python literals a .npy header may hold.
struct Literal {
  enum class Type { string, integer, boolean, none, tuple, list, dict } type = Type::none;
  std::string text;
  uint64_t integer = 0;
  bool boolean = false;
  std::vector<Literal> items;  // tuple, list; dict as key, value, key, value...
};

class LiteralParser {
 public:
  explicit LiteralParser(std::string_view text) : text_(text) {}

  Literal parse_whole() {
    Literal value = parse(0);
    space();
    if (at_ != text_.size()) throw HeaderError("unexpected text after the header dict");
    return value;
  }

 private:
  void space() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\t' || text_[at_] == '\r')) {
      ++at_;
    }
  }
  bool eat(char c) {
    space();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  bool word(std::string_view w) {
    if (text_.substr(at_, w.size()) == w) {
      at_ += w.size();
      return true;
    }
    return false;
  }

  Literal parse(int depth) {
    if (depth > kMaxDepth)
      throw HeaderError("header nests deeper than " + std::to_string(kMaxDepth));
    space();
    if (at_ >= text_.size()) throw HeaderError("header ends early");
    char c = text_[at_];
    Literal out;
    if (c == '\'' || c == '"') {
      ++at_;
      out.type = Literal::Type::string;
      while (at_ < text_.size() && text_[at_] != c) {
        if (text_[at_] == '\\') throw HeaderError("escapes are not valid in a header string");
        out.text += text_[at_++];
      }
      if (at_ >= text_.size()) throw HeaderError("unterminated string");
      ++at_;
    } else if (c >= '0' && c <= '9') {
      out.type = Literal::Type::integer;
      while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') {
        uint64_t digit = static_cast<uint64_t>(text_[at_++] - '0');
        if (__builtin_mul_overflow(out.integer, 10u, &out.integer) ||
            __builtin_add_overflow(out.integer, digit, &out.integer)) {
          throw HeaderError("integer too large");
        }
      }
      if (at_ < text_.size() && text_[at_] == 'L') ++at_;  // Python 2 long
    } else if (word("True")) {
      out.type = Literal::Type::boolean;
      out.boolean = true;
    } else if (word("False")) {
      out.type = Literal::Type::boolean;
    } else if (word("None")) {
      out.type = Literal::Type::none;
    } else if (c == '(' || c == '[' || c == '{') {
      ++at_;
      char close = c == '(' ? ')' : c == '[' ? ']' : '}';
      out.type = c == '('   ? Literal::Type::tuple
                 : c == '[' ? Literal::Type::list
                            : Literal::Type::dict;
      bool one_item_tuple = false;
      while (!eat(close)) {
        out.items.push_back(parse(depth + 1));
        if (out.type == Literal::Type::dict) {
          if (!eat(':')) throw HeaderError("expected ':' in the header dict");
          out.items.push_back(parse(depth + 1));
        }
        if (eat(close)) {
          one_item_tuple = false;
          break;
        }
        if (!eat(',')) throw HeaderError("expected ',' or a closing bracket");
        one_item_tuple = true;
      }
      (void)one_item_tuple;
    } else {
      throw HeaderError(std::string("unexpected character '") + c + "'");
    }
    return out;
  }

  std::string_view text_;
  size_t at_ = 0;
};

// Bytes per element of a simple descr such as '<f4', '|O', '<U10', '<M8[ns]'; nullopt for
// objects. Throws on a descr numpy would not read.
std::optional<uint64_t> simple_item_size(const std::string& descr, bool& object) {
  size_t at = 0;
  if (at < descr.size() && std::strchr("<>|=", descr[at])) ++at;
  if (at >= descr.size()) throw HeaderError("empty dtype '" + descr + "'");
  char kind = descr[at++];
  std::string rest = descr.substr(at);
  std::string digits;
  size_t i = 0;
  while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9' && digits.size() < 12)
    digits += rest[i++];
  std::string unit = rest.substr(i);
  if (kind == 'O') {
    if (!digits.empty() && digits != "8") throw HeaderError("bad object dtype '" + descr + "'");
    object = true;
    return std::nullopt;
  }
  if (!std::strchr("biufcSUVMma?", kind)) throw HeaderError("unknown dtype '" + descr + "'");
  if (digits.empty()) {
    if (kind == '?') return 1;
    throw HeaderError("dtype '" + descr + "' has no size");
  }
  if (i < rest.size() && kind != 'M' && kind != 'm') {
    throw HeaderError("unknown dtype '" + descr + "'");
  }
  if ((kind == 'M' || kind == 'm') && !unit.empty() &&
      (unit.front() != '[' || unit.back() != ']')) {
    throw HeaderError("bad datetime unit in '" + descr + "'");
  }
  uint64_t size = std::stoull(digits);
  if (kind == 'U') size *= 4;
  return size;
}

// Item size of a descr literal (string or structured list); sets `object` when any field holds
// objects. nullopt when the size cannot be known (objects).
std::optional<uint64_t> item_size(const Literal& descr, bool& object, int depth) {
  if (depth > kMaxDepth) throw HeaderError("dtype nests too deeply");
  if (descr.type == Literal::Type::string) return simple_item_size(descr.text, object);
  if (descr.type != Literal::Type::list) throw HeaderError("descr must be a string or a list");
  uint64_t total = 0;
  bool known = true;
  for (const auto& field : descr.items) {
    if (field.type != Literal::Type::tuple || field.items.size() < 2 || field.items.size() > 3) {
      throw HeaderError("structured dtype fields must be (name, dtype[, shape])");
    }
    std::optional<uint64_t> size = item_size(field.items[1], object, depth + 1);
    if (field.items.size() == 3) {
      if (field.items[2].type != Literal::Type::tuple)
        throw HeaderError("field shape must be a tuple");
      for (const auto& dim : field.items[2].items) {
        if (dim.type != Literal::Type::integer) throw HeaderError("field shape must hold integers");
        if (size && __builtin_mul_overflow(*size, dim.integer, &*size))
          throw HeaderError("overflow");
      }
    }
    if (!size)
      known = false;
    else if (__builtin_add_overflow(total, *size, &total))
      throw HeaderError("overflow");
  }
  if (!known) return std::nullopt;
  return total;
}

ScanIssue npy_issue(const std::string& message) {
  return ScanIssue{true, "npy: " + message, "npy:" + message};
}

}  // namespace

NpyScan scan_npy(ByteReader& in, uint64_t file_size, const PickleLimits& limits) {
  NpyScan out;
  char magic[8];
  if (!in.read_exact(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0) {
    out.issues.push_back(npy_issue("not a NumPy file (bad magic)"));
    return out;
  }
  NpyHeader header;
  header.major = static_cast<unsigned char>(magic[6]);
  header.minor = static_cast<unsigned char>(magic[7]);
  if (header.major < 1 || header.major > 3) {
    out.issues.push_back(npy_issue("unsupported format version " + std::to_string(header.major)));
    return out;
  }
  size_t length_bytes = header.major == 1 ? 2 : 4;
  unsigned char raw[4] = {0, 0, 0, 0};
  if (!in.read_exact(reinterpret_cast<char*>(raw), length_bytes)) {
    out.issues.push_back(npy_issue("file ends inside the header length"));
    return out;
  }
  uint64_t length = raw[0] | (raw[1] << 8) | (static_cast<uint64_t>(raw[2]) << 16) |
                    (static_cast<uint64_t>(raw[3]) << 24);
  if (length > kMaxHeader) {
    out.issues.push_back(npy_issue("header length " + std::to_string(length) +
                                   " exceeds the limit of " + std::to_string(kMaxHeader)));
    return out;
  }
  std::string text(length, '\0');
  if (!in.read_exact(text.data(), length)) {
    out.issues.push_back(npy_issue("file ends inside the header"));
    return out;
  }
  header.preamble_size = 8 + length_bytes + length;
  try {
    if (text.empty() || text.back() != '\n')
      throw HeaderError("header does not end with a newline");
    Literal dict = LiteralParser(text).parse_whole();
    if (dict.type != Literal::Type::dict) throw HeaderError("header is not a dict");
    std::map<std::string, const Literal*> keys;
    for (size_t i = 0; i + 1 < dict.items.size(); i += 2) {
      if (dict.items[i].type != Literal::Type::string)
        throw HeaderError("header keys must be strings");
      if (!keys.emplace(dict.items[i].text, &dict.items[i + 1]).second) {
        throw HeaderError("duplicate header key '" + dict.items[i].text + "'");
      }
    }
    if (keys.size() != 3 || !keys.count("descr") || !keys.count("fortran_order") ||
        !keys.count("shape")) {
      throw HeaderError("header must have exactly the keys descr, fortran_order and shape");
    }
    if (keys["fortran_order"]->type != Literal::Type::boolean) {
      throw HeaderError("fortran_order must be True or False");
    }
    header.fortran_order = keys["fortran_order"]->boolean;
    if (keys["shape"]->type != Literal::Type::tuple) throw HeaderError("shape must be a tuple");
    for (const auto& dim : keys["shape"]->items) {
      if (dim.type != Literal::Type::integer) throw HeaderError("shape must hold integers");
      header.shape.push_back(dim.integer);
    }
    const Literal& descr = *keys["descr"];
    header.descr = descr.type == Literal::Type::string ? descr.text : "structured";
    header.item_size = item_size(descr, header.object, 0);
  } catch (const HeaderError& error) {
    out.issues.push_back(npy_issue(std::string("malformed header: ") + error.what()));
    return out;
  }
  out.header = header;
  if (header.object) {
    out.pickle = scan_pickle(in, limits);
    return out;
  }
  uint64_t expected = *header.item_size;
  for (uint64_t dim : header.shape) {
    if (__builtin_mul_overflow(expected, dim, &expected)) {
      out.issues.push_back(npy_issue("shape x dtype overflows 64 bits"));
      return out;
    }
  }
  uint64_t actual = file_size >= header.preamble_size ? file_size - header.preamble_size : 0;
  if (actual != expected) {
    out.issues.push_back(npy_issue("data is " + std::to_string(actual) +
                                   " bytes but shape x dtype is " + std::to_string(expected)));
  }
  return out;
}

}  // namespace gate::rules::model
