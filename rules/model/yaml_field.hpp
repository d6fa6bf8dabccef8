#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace gate::rules::model {

// The value of `key` in a YAML mapping, or a null node when the key is absent or `map` is not a
// mapping. (yaml-cpp's operator[] yields an invalid node that throws on use, or, on a
// non-const node, turns sequences into mappings.)
inline YAML::Node yaml_field(const YAML::Node& map, const std::string& key) {
  if (!map.IsDefined() || !map.IsMap()) return YAML::Node();
  for (const auto& entry : map) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.second;
  }
  return YAML::Node();
}

}  // namespace gate::rules::model
