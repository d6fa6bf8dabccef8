// Fuzz target: a CSV table as data-drift profiles it. Any bytes must give a profile (never a
// crash), its record must be valid JSON, and a table compared with itself must be stable.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "gate/types/blob_source.hpp"
#include "rules/data/data_profile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto stream = gate::stream_over(text);
  gate::data::TableProfile profile = gate::data::profile_table(*stream, {});
  if (!nlohmann::json::accept(profile.to_json())) std::abort();
  for (const auto& column : profile.columns) {
    double psi = gate::data::population_stability(column, column);
    if (psi > 1e-9) std::abort();
  }
  return 0;
}
