#pragma once

#include "rules/registry.hpp"

namespace gate::rules {

// max-file-size: every added or changed file in scope is at most `limit` bytes. Sizes come from
// the object headers, so multi-gigabyte files are judged without reading them.
RuleType max_file_size_type();

}  // namespace gate::rules
