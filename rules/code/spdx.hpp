#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gate::rules {

// Judges an SPDX license expression against an allowed list: `OR` needs one allowed branch,
// `AND` needs every part, `X WITH Y` is allowed when "X WITH Y" or both X and Y are listed.
// Returns false and fills `problem` when the expression is malformed or not allowed.
bool spdx_expression_allowed(std::string_view expression, const std::vector<std::string>& allowed,
                             std::string* problem);

// The SPDX-License-Identifier values in the first `max_lines` lines of `text`, with comment
// closers (`*/`, `-->`, ...) removed.
std::vector<std::string> spdx_identifiers(std::string_view text, size_t max_lines);

}  // namespace gate::rules
