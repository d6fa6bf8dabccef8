#include "gate/types/policy.hpp"

namespace gate {

const AssetClass* Policy::asset(const std::string& name) const {
  for (const auto& asset : assets) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

std::vector<std::string> Policy::assets_of(const std::string& path) const {
  std::vector<std::string> names;
  for (const auto& asset : assets) {
    if (asset.paths.matches(path)) names.push_back(asset.name);
  }
  if (names.empty()) names.emplace_back("other");
  return names;
}

}  // namespace gate
