#include "rules/model/model_format.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

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

ModelFormat detect_format(std::string_view path, std::string_view first_bytes) {
  std::string ext = extension_of(path);
  bool torch_ext = any_of(ext, {"pt", "pth", "bin", "ckpt", "tar", "model", "mar"});
  bool pickle_ext = any_of(ext, {"pkl", "pickle", "joblib", "dill", "sav"});
  bool zip = first_bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4) ||
             first_bytes.substr(0, 4) == std::string_view("PK\x05\x06", 4);
  if (first_bytes.substr(0, 6) == "\x93NUMPY") return ModelFormat::numpy;
  if (ext == "npy") return ModelFormat::numpy;
  if (ext == "npz") return ModelFormat::numpy_archive;
  if (ext == "safetensors") return ModelFormat::safetensors;
  if (ext == "onnx") return ModelFormat::onnx;
  if (ext == "gguf" || first_bytes.substr(0, 4) == "GGUF") return ModelFormat::gguf;
  if (any_of(ext, {"h5", "hdf5", "keras"})) return ModelFormat::keras;
  if (any_of(ext, {"pb", "tflite"})) return ModelFormat::tensorflow;
  if (zip && (torch_ext || pickle_ext)) return ModelFormat::pytorch;
  if ((torch_ext || pickle_ext) && looks_like_tar(first_bytes)) return ModelFormat::pytorch_legacy;
  if (pickle_ext) return ModelFormat::pickle;
  // A torch extension over a bare pickle: legacy torch.save (protocol 2 starts with PROTO).
  if (torch_ext && !first_bytes.empty() && static_cast<unsigned char>(first_bytes[0]) == 0x80) {
    return ModelFormat::pickle;
  }
  if (any_of(ext, {"pt", "pth", "ckpt"})) return ModelFormat::pickle;  // judged, never trusted
  return ModelFormat::other;
}

}  // namespace gate::rules::model
