#include "rules/model/model_card_reader.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace gate::rules::model {

namespace {

std::string join_path(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

std::optional<std::string> read_bounded(const BlobSource& blobs, const std::string& path,
                                        bool& too_large) {
  std::optional<uint64_t> size = blobs.size(Tree::head, path);
  if (!size) return std::nullopt;
  too_large = *size > kMaxCardBytes;
  if (too_large) return std::string();
  return blobs.read(Tree::head, path, kMaxCardBytes);
}

}  // namespace

uint32_t ModelCard::line_of(const std::string& key) const {
  uint32_t line = first_line;
  if (source.IsMap()) {
    for (const auto& entry : source) {  // the last occurrence: the one PyYAML keeps
      if (entry.first.IsScalar() && entry.first.Scalar() == key) {
        line = first_line + static_cast<uint32_t>(std::max(0, entry.first.Mark().line));
      }
    }
  }
  return line;
}

std::string folder_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

CardLookup parse_model_card(const std::string& path, const std::string& text, bool is_markdown) {
  CardLookup out;
  out.path = path;
  std::string yaml = text;
  uint32_t first_line = 1;
  if (is_markdown) {
    // As huggingface_hub reads it (REGEX_YAML_BLOCK): optional leading whitespace, a line of
    // exactly '---', the YAML, then a line of exactly '---'. A byte-order mark is not whitespace
    // there, and '...' does not close the block.
    size_t start = 0;
    uint32_t line = 1;
    while (start < yaml.size() && std::isspace(static_cast<unsigned char>(yaml[start]))) {
      line += yaml[start] == '\n' ? 1 : 0;
      ++start;
    }
    auto is_fence = [&](size_t at) {
      if (yaml.compare(at, 3, "---") != 0) return false;
      size_t end = at + 3;
      return end == yaml.size() || yaml[end] == '\n' || yaml[end] == '\r';
    };
    if (!is_fence(start)) {
      out.problem = "README.md has no YAML front matter (a block between '---' lines at the top)";
      out.problem_line = 1;
      return out;
    }
    // Leading whitespace before the fence starting mid-line (e.g. "  ---") still counts.
    size_t body = start + 3;
    while (body < yaml.size() && (yaml[body] == '\r' || yaml[body] == '\n')) {
      line += yaml[body] == '\n' ? 1 : 0;
      ++body;
    }
    size_t at = body;
    std::optional<size_t> end;
    while (at < yaml.size()) {
      if (at > body && is_fence(at) && (yaml[at - 1] == '\n' || yaml[at - 1] == '\r')) {
        end = at;
        break;
      }
      size_t next = yaml.find('\n', at);
      if (next == std::string::npos) break;
      at = next + 1;
    }
    if (!end) {
      out.problem = "README.md front matter is not closed by a '---' line";
      out.problem_line = 1;
      return out;
    }
    yaml = yaml.substr(body, *end - body);
    first_line = line;
  }
  try {
    YAML::Node node = YAML::Load(yaml);
    if (node.IsNull()) node = YAML::Node(YAML::NodeType::Map);
    if (!node.IsMap()) {
      out.problem = "model card metadata is not a YAML mapping";
      out.problem_line = first_line;
      return out;
    }
    // As PyYAML's safe_load builds it: a mapping key must be hashable (an unrendered template's
    // `{{ card_data }}` is a mapping used as a key, which fails), and a repeated key keeps its
    // last value.
    YAML::Node fields(YAML::NodeType::Map);
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) {
        out.problem =
            "model card metadata has a key that is not a plain value (an unrendered "
            "template?)";
        out.problem_line = first_line + static_cast<uint32_t>(std::max(0, entry.first.Mark().line));
        return out;
      }
      fields[entry.first.Scalar()] = entry.second;
    }
    out.card = ModelCard{path, fields, node, first_line};
  } catch (const YAML::Exception& error) {
    out.problem = "model card metadata is not valid YAML: " + error.msg;
    out.problem_line =
        first_line + static_cast<uint32_t>(error.mark.line < 0 ? 0 : error.mark.line);
  }
  return out;
}

CardLookup find_model_card(const BlobSource& blobs, const std::string& dir) {
  for (const auto& [name, markdown] : {std::pair{"README.md", true}, {"model_card.yaml", false}}) {
    std::string path = join_path(dir, name);
    bool too_large = false;
    std::optional<std::string> text = read_bounded(blobs, path, too_large);
    if (!text) continue;
    if (too_large) {
      CardLookup out;
      out.path = path;
      out.problem = "model card is larger than " + std::to_string(kMaxCardBytes) + " bytes";
      return out;
    }
    CardLookup lookup = parse_model_card(path, *text, markdown);
    // A README without front matter still lets model_card.yaml speak for the folder.
    if (markdown && !lookup.card && blobs.size(Tree::head, join_path(dir, "model_card.yaml"))) {
      continue;
    }
    return lookup;
  }
  CardLookup none;
  none.path = join_path(dir, "README.md");
  return none;
}

namespace {

// Sub-folders the Hub's libraries lay out inside one model repository, described by the card at
// its root: diffusers components, transformers exports, sentence-transformers modules (1_Pooling,
// 2_Normalize...) and hidden tool folders such as .eval_results.
bool is_hub_component(const std::string& name) {
  static const char* const kNames[] = {"unet",
                                       "vae",
                                       "text_encoder",
                                       "text_encoder_2",
                                       "text_encoder_3",
                                       "tokenizer",
                                       "tokenizer_2",
                                       "tokenizer_3",
                                       "scheduler",
                                       "transformer",
                                       "controlnet",
                                       "prior",
                                       "decoder",
                                       "image_encoder",
                                       "feature_extractor",
                                       "safety_checker",
                                       "movq",
                                       "vqvae",
                                       "vocoder",
                                       "onnx",
                                       "openvino",
                                       "coreml",
                                       "tflite",
                                       "flax",
                                       "checkpoints",
                                       "runs"};
  if (name.empty()) return false;
  if (name[0] == '.') return true;
  for (const char* known : kNames) {
    if (name == known) return true;
  }
  size_t underscore = name.find('_');
  return underscore != std::string::npos && underscore > 0 &&
         std::all_of(name.begin(), name.begin() + static_cast<std::ptrdiff_t>(underscore),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// The folder whose card covers `dir`: `dir` itself, or for a Hub component folder without a
// card of its own, the nearest parent that has one.
std::string card_folder(const BlobSource& blobs, const std::string& dir) {
  std::string at = dir;
  while (!at.empty() && is_hub_component(at.substr(at.rfind('/') + 1))) {
    bool own = blobs.size(Tree::head, join_path(at, "README.md")) ||
               blobs.size(Tree::head, join_path(at, "model_card.yaml"));
    if (own) return at;
    std::string parent = folder_of(at);
    if (blobs.size(Tree::head, join_path(parent, "README.md")) ||
        blobs.size(Tree::head, join_path(parent, "model_card.yaml"))) {
      return parent;
    }
    at = parent;
  }
  return dir;
}

}  // namespace

std::vector<ModelFolder> changed_model_folders(const RuleContext& context) {
  std::map<std::string, std::string> folders;
  for (const auto& file : context.change.files) {
    if (file.deleted() || !context.in_scope(file)) continue;
    folders.emplace(card_folder(context.blobs, folder_of(file.path)), file.path);
  }
  std::vector<ModelFolder> out;
  for (const auto& [dir, first] : folders) out.push_back({dir, first});
  return out;
}

}  // namespace gate::rules::model
