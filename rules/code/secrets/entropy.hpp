#pragma once

#include <string_view>

namespace gate::secrets {

// Shannon entropy of the byte distribution in bits per byte (0 for empty input, at most 8).
// Random base64 scores about 5.5-6 over long strings; words and placeholders score far lower.
double shannon_entropy(std::string_view text);

}  // namespace gate::secrets
