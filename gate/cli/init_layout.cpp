#include "gate/cli/init_layout.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace gate::cli {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kCodeNames = {"src", "lib", "app", "cmd", "pkg", "internal"};
const std::vector<std::string> kDataNames = {"data", "datasets", "dataset"};
const std::vector<std::string> kModelNames = {"models", "model", "checkpoints", "weights"};

bool is_python_package(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "__init__.py", ec);
}

bool skipped_folder(const std::string& name) {
  return name.empty() || name[0] == '.' || name == "node_modules" || name == "build" ||
         name == "__pycache__" || name == "venv";
}

// Folders named like code, data or model folders, at the top and one level below (e.g.
// ml/models), never following symlinks nor entering hidden folders. A Python package is code
// whatever its name (src/model/ with an __init__.py holds source, not a model).
void scan_folders(const fs::path& root, Detected& found) {
  std::vector<std::pair<fs::path, int>> pending = {{root, 0}};
  while (!pending.empty()) {
    auto [dir, depth] = pending.back();
    pending.pop_back();
    std::error_code ec;
    std::vector<fs::path> children;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_directory(ec) && !entry.is_symlink(ec)) children.push_back(entry.path());
    }
    std::sort(children.begin(), children.end());
    for (const auto& child : children) {
      std::string name = child.filename().string();
      if (skipped_folder(name)) continue;
      std::string relative = fs::relative(child, root).generic_string();
      bool package = is_python_package(child);
      if (contains(kCodeNames, name) || (package && depth == 0)) {
        found.code.push_back(relative + "/**");
      } else if (!package) {
        if (contains(kDataNames, name)) found.data.push_back(relative + "/**");
        if (contains(kModelNames, name)) found.model.push_back(relative + "/**");
      }
      if (depth < 1 && !package) pending.push_back({child, depth + 1});
    }
  }
}

// DVC pointer files (`data.dvc` at the root, or one level down): the pointer is what a change
// touches, the folder it names is what DVC tracks. Both belong to the data class.
void scan_dvc_files(const fs::path& root, Detected& found) {
  std::vector<fs::path> dirs = {root};
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (entry.is_directory(ec) && !entry.is_symlink(ec) &&
        !skipped_folder(entry.path().filename().string())) {
      dirs.push_back(entry.path());
    }
  }
  std::vector<std::string> pointers;
  for (const auto& dir : dirs) {
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_regular_file(ec) && entry.path().extension() == ".dvc") {
        pointers.push_back(fs::relative(entry.path(), root).generic_string());
      }
    }
  }
  std::sort(pointers.begin(), pointers.end());
  for (const auto& pointer : pointers) {
    found.data.push_back(pointer);
    std::string tracked = pointer.substr(0, pointer.size() - 4);  // data.dvc tracks data
    if (fs::is_directory(root / tracked, ec)) found.data.push_back(tracked + "/**");
  }
}

std::string read_prefix(const fs::path& path, size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  std::string out(bytes, '\0');
  in.read(out.data(), static_cast<std::streamsize>(bytes));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

// The serialization format of a file from its first bytes (never its name): what a loader
// would do with it, not what it claims to be.
std::string format_by_content(const std::string& head) {
  auto starts = [&](std::string_view magic) { return head.substr(0, magic.size()) == magic; };
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x80 && head[1] >= 2 &&
      head[1] <= 5) {
    return "pickle";
  }
  if (starts("PK\x03\x04") && head.find("data.pkl") != std::string::npos) return "pytorch";
  if (starts("\x93NUMPY")) return "numpy";
  if (starts("GGUF")) return "gguf";
  if (starts("\x89HDF\r\n\x1a\n")) return "keras";
  if (head.size() > 9 && head[8] == '{' && head.find("\"dtype\"") != std::string::npos) {
    return "safetensors";
  }
  return {};
}

// The framework a pickle was written by, from the module names its opcodes import.
std::string framework_of(const std::string& head) {
  const std::pair<const char*, const char*> known[] = {
      {"sklearn", "scikit-learn"}, {"xgboost", "XGBoost"}, {"lightgbm", "LightGBM"},
      {"torch", "PyTorch"},        {"pandas", "pandas"},   {"numpy", "NumPy"}};
  for (const auto& [module, name] : known) {
    if (head.find(module) != std::string::npos) return name;
  }
  return {};
}

// Model files anywhere in the first three levels (at most a few thousand files read, 64 KiB
// each): their folders become the model class when no folder is named like one.
void scan_model_files(const fs::path& root, Detected& found) {
  constexpr size_t kMaxFiles = 5000;
  size_t seen = 0;
  std::vector<std::pair<fs::path, int>> pending = {{root, 0}};
  while (!pending.empty() && seen < kMaxFiles) {
    auto [dir, depth] = pending.back();
    pending.pop_back();
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      std::string name = entry.path().filename().string();
      if (entry.is_symlink(ec) || skipped_folder(name)) continue;
      if (entry.is_directory(ec)) {
        if (depth < 2 && !is_python_package(entry.path())) {
          pending.push_back({entry.path(), depth + 1});
        }
      } else if (entry.is_regular_file(ec)) {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      if (++seen > kMaxFiles) break;
      std::string head = read_prefix(file, 64 * 1024);
      std::string format = format_by_content(head);
      if (format.empty()) continue;
      found.model_files.push_back({fs::relative(file, root).generic_string(), format,
                                   format == "pickle" ? framework_of(head) : std::string()});
    }
  }
  std::sort(found.model_files.begin(), found.model_files.end(),
            [](const ModelFile& a, const ModelFile& b) { return a.path < b.path; });
  for (const auto& file : found.model_files) {
    bool covered = false;
    for (const auto& glob : found.model) {
      if (file.path.rfind(glob.substr(0, glob.size() - 2), 0) == 0) covered = true;
    }
    if (covered) continue;
    std::string parent = fs::path(file.path).parent_path().generic_string();
    std::string glob = parent.empty() || parent == "." ? file.path : parent + "/**";
    if (!contains(found.model, glob) && !contains(found.data, glob) &&
        !contains(found.code, glob)) {
      found.model.push_back(glob);
    }
  }
}

void sort_classes(Detected& found) {
  for (auto* list : {&found.code, &found.data, &found.model}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
}

std::vector<std::string> split_words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string word; in >> word;) {
    if (word[0] == '#') break;
    words.push_back(word);
  }
  return words;
}

void read_codeowners(const fs::path& root, Detected& found) {
  for (const char* candidate :
       {".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"}) {
    std::ifstream in(root / candidate);
    if (!in) continue;
    found.codeowners = candidate;
    // Last match wins in CODEOWNERS, so the last `*` or `/.gate/` line names the owners.
    for (std::string line; std::getline(in, line);) {
      std::vector<std::string> words = split_words(line);
      if (words.size() < 2) continue;
      if (words[0] == "*" || words[0] == "/.gate/" || words[0] == ".gate/") {
        std::vector<std::string> owners;
        for (size_t i = 1; i < words.size(); ++i) {
          if (words[i][0] == '@') owners.push_back(words[i]);
        }
        if (!owners.empty()) found.owners = owners;
      }
    }
    return;
  }
}

}  // namespace

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

Detected detect_layout(const fs::path& root) {
  Detected found;
  scan_folders(root, found);
  scan_dvc_files(root, found);
  scan_model_files(root, found);
  sort_classes(found);
  read_codeowners(root, found);
  found.gitleaks = fs::exists(root / ".gitleaks.toml");
  return found;
}

}  // namespace gate::cli
