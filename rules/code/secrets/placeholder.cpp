#include "rules/code/secrets/placeholder.hpp"

namespace gate::secrets {

namespace {

constexpr size_t kRepeatedRun = 8;

}  // namespace

bool looks_like_placeholder(std::string_view secret) {
  if (secret.find("EXAMPLE") != std::string_view::npos) return true;
  size_t run = 1;
  for (size_t i = 1; i < secret.size(); ++i) {
    run = secret[i] == secret[i - 1] ? run + 1 : 1;
    if (run >= kRepeatedRun) return true;
  }
  return false;
}

}  // namespace gate::secrets
