#pragma once

#include <cstdint>
#include <string>

#include "gate/types/rule.hpp"

namespace gate::data {

// The finding that stands for the findings of one file left out after `max-findings`.
inline Finding more_findings(const RuleContext& context, const std::string& path, uint64_t count,
                             size_t limit, const std::string& what) {
  Finding f = context.finding(
      path, std::to_string(count) + " more " + what +
                " in this file not listed (max-findings: " + std::to_string(limit) + ")");
  f.fingerprint_basis = "more:" + what;
  return f;
}

}  // namespace gate::data
