#include "rules/model/model_format.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "rules/model/pickle_scanner.hpp"
#include "rules/model/tar_walker.hpp"

namespace gate::rules::model {

namespace {

std::string extension_of(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = base.rfind('.');
  if (dot == std::string_view::npos) return "";
  std::string ext(base.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

bool any_of(const std::string& ext, std::initializer_list<const char*> list) {
  return std::any_of(list.begin(), list.end(), [&](const char* e) { return ext == e; });
}

}  // namespace

std::string_view format_name(ModelFormat format) {
  switch (format) {
    case ModelFormat::pickle:
      return "pickle";
    case ModelFormat::pytorch:
      return "pytorch";
    case ModelFormat::pytorch_legacy:
      return "pytorch-legacy";
    case ModelFormat::numpy:
      return "numpy";
    case ModelFormat::numpy_archive:
      return "numpy-archive";
    case ModelFormat::safetensors:
      return "safetensors";
    case ModelFormat::onnx:
      return "onnx";
    case ModelFormat::gguf:
      return "gguf";
    case ModelFormat::keras:
      return "keras";
    case ModelFormat::tensorflow:
      return "tensorflow";
    case ModelFormat::other:
      return "other";
  }
  return "other";
}

bool format_name_known(std::string_view name) {
  static const std::array<std::string_view, 10> names = {
      "pickle",      "pytorch", "pytorch-legacy", "numpy", "numpy-archive",
      "safetensors", "onnx",    "gguf",           "keras", "tensorflow"};
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool format_matches(ModelFormat format, std::string_view allowed_name) {
  if (format_name(format) == allowed_name) return true;
  if (allowed_name == "pytorch") return format == ModelFormat::pytorch_legacy;
  if (allowed_name == "numpy") return format == ModelFormat::numpy_archive;
  return false;
}

namespace {

uint64_t u64le(std::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = 8; i-- > 0;) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// safetensors: an 8-byte little-endian header length, then a JSON object.
bool looks_like_safetensors(std::string_view head) {
  if (head.size() < 10) return false;
  uint64_t length = u64le(head);
  return length >= 2 && length < (100ull << 20) && head[8] == '{' &&
         (head[9] == '"' || head[9] == '}' || head[9] == ' ' || head[9] == '\n');
}

bool dotted_identifier(std::string_view text) {
  if (text.empty() || text.size() > 256 || text.front() == '.' || text.back() == '.') return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
  });
}

}  // namespace

bool looks_like_pickle(std::string_view head) {
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x80) {
    return head[1] >= 2 && head[1] <= 5;
  }
  // Protocols 0 and 1 have no header: walk the opening and require an import with Python names
  // before anything the unpickler would reject (padding opcodes before it change nothing).
  if (head.empty() ||
      std::string_view("(}])NIFSVciKJMXUTpqgh").find(head[0]) == std::string_view::npos) {
    return false;
  }
  auto stream = stream_over(std::string(head));
  ByteReader reader(*stream);
  PickleLimits limits;
  limits.max_stack = 4096;
  limits.max_memo = 4096;
  PickleScan scan = scan_pickle(reader, limits);
  return !scan.globals.empty() &&
         std::all_of(scan.globals.begin(), scan.globals.end(), [](const PickleGlobal& global) {
           return dotted_identifier(global.module) && dotted_identifier(global.name);
         });
}

ModelFormat detect_format(std::string_view path, std::string_view first_bytes) {
  std::string ext = extension_of(path);
  // The bytes decide first: loaders open a file by its content, whatever it is called.
  if (starts_with(first_bytes, "\x93NUMPY")) return ModelFormat::numpy;
  if (starts_with(first_bytes, "GGUF")) return ModelFormat::gguf;
  if (starts_with(first_bytes, "\x89HDF\r\n\x1a\n")) return ModelFormat::keras;
  if (first_bytes.size() >= 8 && first_bytes.substr(4, 4) == "TFL3") return ModelFormat::tensorflow;
  if (starts_with(first_bytes, std::string_view("PK\x03\x04", 4)) ||
      starts_with(first_bytes, std::string_view("PK\x05\x06", 4))) {
    if (ext == "npz") return ModelFormat::numpy_archive;
    if (ext == "keras") return ModelFormat::keras;
    // The first local header names the first member: numpy.savez writes `<name>.npy`.
    if (first_bytes.size() >= 30) {
      size_t name_length = static_cast<unsigned char>(first_bytes[26]) |
                           (static_cast<size_t>(static_cast<unsigned char>(first_bytes[27])) << 8);
      std::string_view name = first_bytes.substr(30, name_length);
      if (name.size() > 4 && name.substr(name.size() - 4) == ".npy") {
        return ModelFormat::numpy_archive;
      }
    }
    return ModelFormat::pytorch;
  }
  if (looks_like_tar(first_bytes)) return ModelFormat::pytorch_legacy;
  if (looks_like_safetensors(first_bytes)) return ModelFormat::safetensors;
  if (looks_like_pickle(first_bytes)) return ModelFormat::pickle;
  // Formats without a reliable magic number, and names that promise a pickle: judged as such.
  if (ext == "safetensors") return ModelFormat::safetensors;
  if (ext == "onnx") return ModelFormat::onnx;
  if (ext == "npy") return ModelFormat::numpy;
  if (ext == "npz") return ModelFormat::numpy_archive;
  if (any_of(ext, {"h5", "hdf5", "keras"})) return ModelFormat::keras;
  if (any_of(ext, {"pb", "tflite"})) return ModelFormat::tensorflow;
  if (any_of(ext, {"pkl", "pickle", "joblib", "dill", "sav", "pt", "pth", "ckpt"})) {
    return ModelFormat::pickle;  // judged, never trusted
  }
  return ModelFormat::other;
}

}  // namespace gate::rules::model
