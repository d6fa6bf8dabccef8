#pragma once

#include <cstddef>
#include <string_view>

namespace gate::rules::model {

// Deepest nesting of arrays and objects in JSON text (strings are skipped), so hostile input is
// refused before a parser sees it.
size_t json_nesting_depth(std::string_view text);

}  // namespace gate::rules::model
