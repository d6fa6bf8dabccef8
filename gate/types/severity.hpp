#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gate {

// Ordered so that a larger value is more severe; only `error` blocks a merge.
enum class Severity { notice = 0, warning = 1, error = 2 };

std::string_view to_string(Severity severity);
std::optional<Severity> parse_severity(std::string_view text);

}  // namespace gate
