#pragma once

#include <string>
#include <string_view>

namespace gate::rules::model {

// What a model file is, from its first bytes (and its name where the bytes cannot tell). Names are
// what `allowed-formats:` takes.
enum class ModelFormat {
  pickle,          // .pkl .pickle .joblib, and legacy torch.save files that are bare pickles
  pytorch,         // zip checkpoint (.pt .pth .bin .ckpt ...) holding *.pkl members
  pytorch_legacy,  // the pre-1.6 tar layout
  numpy,           // .npy
  numpy_archive,   // .npz
  safetensors,
  onnx,
  gguf,
  keras,       // .h5 .hdf5 .keras
  tensorflow,  // .pb .tflite
  other,       // not a model weight format Gate knows
};

std::string_view format_name(ModelFormat format);
// `allowed-formats:` names: the values of format_name, plus `pytorch` covering both PyTorch
// layouts and `numpy` covering .npy and .npz.
bool format_name_known(std::string_view name);
bool format_matches(ModelFormat format, std::string_view allowed_name);

// Decided by content first (magic numbers, a tar header checksum, a pickle's opening), then by
// name for formats without a magic number. `first_bytes`: the first 512 bytes or more.
ModelFormat detect_format(std::string_view path, std::string_view first_bytes);

// Binary pickles open with PROTO 2 to 5; protocol 0 and 1 pickles are recognised by opening
// with an import (GLOBAL or INST, after MARKs or empty containers) of a dotted module name.
bool looks_like_pickle(std::string_view first_bytes);

}  // namespace gate::rules::model
