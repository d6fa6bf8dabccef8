#include "rules/code/secrets/entropy.hpp"

#include <array>
#include <cmath>

namespace gate::secrets {

double shannon_entropy(std::string_view text) {
  if (text.empty()) return 0.0;
  std::array<size_t, 256> counts{};
  for (unsigned char c : text) ++counts[c];
  const double length = static_cast<double>(text.size());
  double entropy = 0.0;
  for (size_t count : counts) {
    if (count == 0) continue;
    double p = static_cast<double>(count) / length;
    entropy -= p * std::log2(p);
  }
  return entropy;
}

}  // namespace gate::secrets
