#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gate/types/blob_source.hpp"
#include "gate/types/rule.hpp"

namespace gate::rules::model {

constexpr uint64_t kMaxCardBytes = 1 << 20;

struct ModelCard {
  std::string path;         // README.md or model_card.yaml
  YAML::Node fields;        // the front matter (a mapping; a repeated key keeps its last value)
  YAML::Node source;        // the mapping as written, for line numbers
  uint32_t first_line = 1;  // file line of the first YAML line
  // File line of a top-level key, or the card's first line when absent.
  uint32_t line_of(const std::string& key) const;
};

struct CardLookup {
  std::optional<ModelCard> card;
  std::string path;                    // the card file looked at (or that should exist)
  std::optional<std::string> problem;  // the card exists but cannot be read as a card
  uint32_t problem_line = 0;
};

// The model card of folder `dir` (no trailing slash; "" for the root) at head: README.md with
// YAML front matter between `---` lines, else model_card.yaml. Hostile cards (oversized, deep
// nesting, invalid YAML) come back as a problem, never an exception.
CardLookup find_model_card(const BlobSource& blobs, const std::string& dir);

// Parses card text; `is_markdown` selects front matter extraction.
CardLookup parse_model_card(const std::string& path, const std::string& text, bool is_markdown);

// Folders of the added or changed files in the rule's scope, sorted, with the first changed
// file of each (findings about a missing card point at it).
struct ModelFolder {
  std::string dir;
  std::string first_file;
};
std::vector<ModelFolder> changed_model_folders(const RuleContext& context);

std::string folder_of(const std::string& path);

}  // namespace gate::rules::model
