#include "rules/data/dvc_directory.hpp"

#include <algorithm>
#include <memory>

#include <nlohmann/json.hpp>

#include "rules/data/data_digest.hpp"
#include "rules/data/table_schema.hpp"

namespace gate::data {

namespace {

void append_escape(std::string& out, uint32_t unit) {
  static const char* hex = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += hex[(unit >> shift) & 15];
}

void append_code_point(std::string& out, uint32_t cp) {
  if (cp >= 0x10000) {
    cp -= 0x10000;
    append_escape(out, 0xD800 + (cp >> 10));
    append_escape(out, 0xDC00 + (cp & 0x3FF));
  } else {
    append_escape(out, cp);
  }
}

// Python's json.dumps with ensure_ascii: printable ASCII as is (but " and \), the short escapes,
// everything else \uXXXX in lowercase hex. The text is decoded as UTF-8 the way Python decodes
// file names (surrogateescape): a byte that is not part of a valid sequence becomes U+DC80+byte.
void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  for (size_t i = 0; i < n;) {
    unsigned char c = bytes[i];
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          if (c < 0x20 || c == 0x7F) {
            append_escape(out, c);
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    uint32_t cp = length == 4 ? c & 0x07u : length == 3 ? c & 0x0Fu : c & 0x1Fu;
    bool valid = length > 0 && c <= 0xF4 && i + length <= n;
    for (size_t k = 1; valid && k < length; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) valid = false;
      cp = (cp << 6) | (bytes[i + k] & 0x3Fu);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8 either.
    static const uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (valid && (cp < kMinimum[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) {
      valid = false;
    }
    if (!valid) {
      append_escape(out, 0xDC00 + c);
      ++i;
      continue;
    }
    append_code_point(out, cp);
    i += length;
  }
  out += '"';
}

}  // namespace

std::string dvc_listing_bytes(std::vector<ListedFile> files) {
  std::sort(files.begin(), files.end(),
            [](const ListedFile& a, const ListedFile& b) { return a.relpath < b.relpath; });
  std::string out = "[";
  for (size_t i = 0; i < files.size(); ++i) {
    if (i > 0) out += ", ";
    out += "{\"md5\": ";
    append_json_string(out, files[i].md5);
    out += ", \"relpath\": ";
    append_json_string(out, files[i].relpath);
    out += "}";
  }
  out += "]";
  return out;
}

std::vector<ListedFile> parse_dvc_listing(std::string_view text) {
  if (text.size() > kMaxListingBytes) {
    throw SchemaError("listing is larger than " + std::to_string(kMaxListingBytes) + " bytes");
  }
  nlohmann::json doc;
  try {
    // A listing is an array of flat objects: anything nested deeper is refused while parsing.
    doc =
        nlohmann::json::parse(text, [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
          if (depth > 3) throw SchemaError("listing is nested deeper than an array of objects");
          return true;
        });
  } catch (const nlohmann::json::exception& e) {
    throw SchemaError(std::string("listing is not JSON: ") + e.what());
  }
  if (!doc.is_array()) throw SchemaError("listing is not a JSON array");
  if (doc.size() > kMaxListedFiles) {
    throw SchemaError("listing has more than " + std::to_string(kMaxListedFiles) + " entries");
  }
  std::vector<ListedFile> files;
  for (size_t i = 0; i < doc.size(); ++i) {
    const nlohmann::json& entry = doc[i];
    std::string where = "listing entry " + std::to_string(i + 1);
    if (!entry.is_object()) throw SchemaError(where + " is not an object");
    auto relpath = entry.find("relpath");
    if (relpath == entry.end() || !relpath->is_string() || relpath->get<std::string>().empty()) {
      throw SchemaError(where + " has no relpath");
    }
    ListedFile file;
    file.relpath = relpath->get<std::string>();
    if (auto md5 = entry.find("md5"); md5 != entry.end()) {
      if (!md5->is_string()) throw SchemaError(where + " has an md5 that is not a string");
      file.md5 = md5->get<std::string>();
      std::transform(file.md5.begin(), file.md5.end(), file.md5.begin(),
                     [](char c) { return c >= 'A' && c <= 'F' ? static_cast<char>(c + 32) : c; });
    }
    files.push_back(std::move(file));
  }
  return files;
}

std::string md5_hex(std::string_view bytes) {
  return digest_stream(*stream_over(std::string(bytes))).md5;
}

std::vector<std::string> dvc_cache_paths(std::string_view md5) {
  if (md5.size() < 3) return {};
  std::string tail = std::string(md5.substr(0, 2)) + "/" + std::string(md5.substr(2)) + ".dir";
  return {".dvc/cache/files/md5/" + tail, ".dvc/cache/" + tail};
}

}  // namespace gate::data
