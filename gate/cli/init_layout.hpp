#pragma once
// What `gate init` reads from a working tree: code, data and model folders, DVC pointer files,
// model files recognised by content, CODEOWNERS and a gitleaks configuration.
#include <filesystem>
#include <string>
#include <vector>

namespace gate::cli {

// A model file recognised by its bytes, and the framework its pickle names (if any).
struct ModelFile {
  std::string path;
  std::string format;     // pickle, pytorch, numpy, safetensors, gguf, keras
  std::string framework;  // e.g. scikit-learn, from the module names a pickle imports
};

struct Detected {
  std::vector<std::string> code;  // globs
  std::vector<std::string> data;
  std::vector<std::string> model;
  std::vector<ModelFile> model_files;
  std::string codeowners;           // path, empty when none
  std::vector<std::string> owners;  // owners of `*` (or `/.gate/`) in CODEOWNERS
  bool gitleaks = false;
};

// Reads the layout of the working tree at `root` (never following symlinks, never entering
// hidden folders, reading at most the first 64 KiB of a few thousand files).
Detected detect_layout(const std::filesystem::path& root);

bool contains(const std::vector<std::string>& list, const std::string& item);

}  // namespace gate::cli
