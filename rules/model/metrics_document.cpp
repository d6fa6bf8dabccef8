#include "rules/model/metrics_document.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <stdexcept>

#include "rules/model/json_depth.hpp"

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

}  // namespace

nlohmann::json parse_metrics_document(const std::string& path, const std::string& text) {
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
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error(std::string("is not valid JSON: ") + error.what());
  }
}

const nlohmann::json* find_metric(const nlohmann::json& document, const std::string& key) {
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
