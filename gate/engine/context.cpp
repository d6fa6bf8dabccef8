#include "gate/engine/context.hpp"

#include <cstdlib>

namespace gate {

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

CiContext detect_context(const Environment& env) {
  CiContext context;
  if (auto actor = env("USER")) context.actor = *actor;
  return context;
}

}  // namespace gate
