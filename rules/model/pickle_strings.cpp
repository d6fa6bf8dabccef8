#include "rules/model/pickle_strings.hpp"

#include <cstdint>
#include <map>

namespace gate::rules::model {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

}  // namespace

std::string decode_python_string_literal(const std::string& literal) {
  std::string text = literal;
  if (text.size() >= 2 && (text.front() == '\'' || text.front() == '"') &&
      text.back() == text.front()) {
    text = text.substr(1, text.size() - 2);
  }
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    char c = text[++i];
    switch (c) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
      case '\'':
      case '"':
        out += c;
        break;
      case '\n':
        break;
      case 'x':
        if (i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
          out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
          i += 2;
        } else {
          out += "\\x";
        }
        break;
      default:
        if (c >= '0' && c <= '7') {
          int value = c - '0';
          for (int digits = 1;
               digits < 3 && i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '7';
               ++digits) {
            value = value * 8 + (text[++i] - '0');
          }
          out += static_cast<char>(value & 0xFF);
        } else {
          out += '\\';
          out += c;
        }
    }
  }
  return out;
}

std::string decode_raw_unicode_escape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size() && (text[i + 1] == 'u' || text[i + 1] == 'U')) {
      size_t digits = text[i + 1] == 'u' ? 4 : 8;
      if (i + 1 + digits < text.size()) {
        uint32_t code = 0;
        bool ok = true;
        for (size_t k = 0; ok && k < digits; ++k) {
          int h = hex_value(text[i + 2 + k]);
          ok = h >= 0;
          code = code * 16 + static_cast<uint32_t>(ok ? h : 0);
        }
        if (ok && code <= 0x10FFFF) {
          append_utf8(out, code);
          i += 1 + digits;
          continue;
        }
      }
    }
    // Latin-1 bytes map to the same code points.
    append_utf8(out, static_cast<unsigned char>(c));
  }
  return out;
}

std::string python3_module_name(const std::string& module) {
  static const std::map<std::string, std::string> renamed = {
      {"__builtin__", "builtins"},   {"copy_reg", "copyreg"},     {"cPickle", "pickle"},
      {"commands", "subprocess"},    {"UserDict", "collections"}, {"exceptions", "builtins"},
      {"urllib2", "urllib.request"}, {"httplib", "http.client"},  {"SocketServer", "socketserver"},
  };
  auto found = renamed.find(module);
  return found == renamed.end() ? module : found->second;
}

}  // namespace gate::rules::model
