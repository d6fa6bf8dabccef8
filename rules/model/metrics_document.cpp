#include "rules/model/metrics_document.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <stdexcept>
#include <string_view>

#include "rules/model/json_depth.hpp"
#include "rules/model/model_card_reader.hpp"

namespace gate::rules::model {

namespace {

constexpr int kMaxDepth = 64;

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

nlohmann::json from_yaml(const YAML::Node& node, int depth) {
  if (depth > kMaxDepth) throw std::runtime_error("nests deeper than " + std::to_string(kMaxDepth));
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& entry : node) {
        out[entry.first.as<std::string>()] = from_yaml(entry.second, depth + 1);
      }
      return out;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(from_yaml(item, depth + 1));
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string& text = node.Scalar();
      double value = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (node.Tag() != "!" && error == std::errc() && end == text.data() + text.size()) {
        return value;
      }
      return text;
    }
    default:
      return nullptr;
  }
}

// Python's json.dump writes NaN, Infinity and -Infinity, which JSON lacks: outside strings they
// become null, a value no threshold accepts as a number.
std::string without_python_specials(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[i + 1];
        i += 2;
        continue;
      }
      in_string = c != '"';
      ++i;
      continue;
    }
    if (c == '"') in_string = true;
    bool replaced = false;
    for (std::string_view word : {"-Infinity", "Infinity", "NaN"}) {
      if (text.compare(i, word.size(), word) == 0) {
        out += "null";
        i += word.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      out += c;
      ++i;
    }
  }
  return out;
}

// A model card's metrics: its front matter, plus each model-index metric under its `type` (and
// `name`) at the top level, as the Hub shows them ("accuracy" finds the first such value).
nlohmann::json card_metrics(const std::string& path, const std::string& text) {
  CardLookup lookup = parse_model_card(path, text, true);
  if (!lookup.card) throw std::runtime_error(lookup.problem.value_or("has no front matter"));
  nlohmann::json document = from_yaml(lookup.card->fields, 0);
  auto index = document.find("model-index");
  if (index == document.end() || !index->is_array()) return document;
  nlohmann::json flat = nlohmann::json::object();
  for (const auto& entry : *index) {
    if (!entry.is_object() || !entry.contains("results") || !entry["results"].is_array()) continue;
    for (const auto& result : entry["results"]) {
      if (!result.is_object() || !result.contains("metrics") || !result["metrics"].is_array()) {
        continue;
      }
      for (const auto& metric : result["metrics"]) {
        if (!metric.is_object() || !metric.contains("value")) continue;
        for (const char* key : {"type", "name"}) {
          if (metric.contains(key) && metric[key].is_string() &&
              !flat.contains(metric[key].get<std::string>())) {
            flat[metric[key].get<std::string>()] = metric["value"];
          }
        }
      }
    }
  }
  for (auto& [key, value] : flat.items()) {
    if (!document.contains(key) || !document[key].is_number()) document[key] = value;
  }
  return document;
}

}  // namespace

nlohmann::json parse_metrics_document(const std::string& path, const std::string& text) {
  if (ends_with(path, ".md")) return card_metrics(path, text);
  if (ends_with(path, ".yaml") || ends_with(path, ".yml")) {
    try {
      return from_yaml(YAML::Load(text), 0);
    } catch (const YAML::Exception& error) {
      throw std::runtime_error("is not valid YAML (line " + std::to_string(error.mark.line + 1) +
                               "): " + error.msg);
    }
  }
  if (json_nesting_depth(text) > kMaxDepth) {
    throw std::runtime_error("nests deeper than " + std::to_string(kMaxDepth));
  }
  try {
    return nlohmann::json::parse(without_python_specials(text));
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error(std::string("is not valid JSON: ") + error.what());
  }
}

const nlohmann::json* find_metric(const nlohmann::json& document, const std::string& key) {
  if (document.is_array()) {
    // A segment of digits indexes a list: model-index.0.results.0.metrics.0.value
    size_t dot = key.find('.');
    std::string head = key.substr(0, dot);
    if (head.empty() || head.size() > 9 ||
        head.find_first_not_of("0123456789") != std::string::npos) {
      return nullptr;
    }
    size_t index = std::stoul(head);
    if (index >= document.size()) return nullptr;
    if (dot == std::string::npos) return &document[index];
    return find_metric(document[index], key.substr(dot + 1));
  }
  if (!document.is_object()) return nullptr;
  auto direct = document.find(key);
  if (direct != document.end()) return &*direct;
  for (size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', dot + 1)) {
    auto prefix = document.find(key.substr(0, dot));
    if (prefix == document.end()) continue;
    if (const nlohmann::json* found = find_metric(*prefix, key.substr(dot + 1))) return found;
  }
  return nullptr;
}

std::string format_number(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

}  // namespace gate::rules::model
