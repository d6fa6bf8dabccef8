#pragma once

#include <nlohmann/json.hpp>

namespace gate {

// The member `key` of `object`, or null when `object` is not an object or has no such member. A
// reference, because json::value() copies the whole subtree; and a const operator[] may not be
// asked for a missing key.
inline const nlohmann::json& json_member(const nlohmann::json& object, const char* key) {
  static const nlohmann::json absent;
  if (!object.is_object()) return absent;
  auto it = object.find(key);
  return it == object.end() ? absent : *it;
}

}  // namespace gate
