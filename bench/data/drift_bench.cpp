// data-drift's profile against data-schema's validation of the same CSV file, one core each:
//   bench_drift FILE.csv SCHEMA.json
// A drift check profiles two files (merge base and head) where validation reads one, so the
// figure to hold is drift(2 files) / validate(1 file), printed as `ratio`.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "bench/data/cpu_time.hpp"
#include "gate/types/parallel.hpp"
#include "rules/data/data_digest.hpp"
#include "rules/data/data_profile.hpp"
#include "rules/data/table_schema.hpp"
#include "rules/data/table_validator.hpp"

namespace {}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench_drift FILE.csv SCHEMA.json\n");
    return 2;
  }
  std::ifstream schema_file(argv[2]);
  std::stringstream schema_text;
  schema_text << schema_file.rdbuf();
  gate::data::TableSchema schema = gate::data::parse_table_schema_text(schema_text.str());
  std::filesystem::path file = std::filesystem::absolute(argv[1]);
  auto open = [&] {
    auto stream = gate::data::open_workspace_file(file.parent_path(), file.filename().string());
    if (!stream) {
      std::fprintf(stderr, "bench_drift: cannot open %s\n", argv[1]);
      std::exit(2);
    }
    return stream;
  };
  auto validate_stream = open();
  double start = cpu_seconds();
  auto validation = gate::data::validate_table(*validate_stream, gate::data::TableFormat::csv,
                                               schema, gate::data::ValidationLimits{});
  double validate = cpu_seconds() - start;

  start = cpu_seconds();
  auto base_stream = open();
  gate::data::TableProfile base = gate::data::profile_table(*base_stream, {});
  auto head_stream = open();
  gate::data::TableProfile head = gate::data::profile_table(*head_stream, {});
  double psi_max = 0;
  for (const auto& column : base.columns) {
    if (const auto* other = head.column(column.name)) {
      psi_max = std::max(psi_max, gate::data::population_stability(column, *other));
    }
  }
  double drift = cpu_seconds() - start;

  // As the rule runs it: both sides at once on two workers; wall time against validation's.
  auto wall = [] { return std::chrono::steady_clock::now(); };
  auto validate_again = open();
  auto wall_start = wall();
  gate::data::validate_table(*validate_again, gate::data::TableFormat::csv, schema,
                             gate::data::ValidationLimits{});
  double validate_wall = std::chrono::duration<double>(wall() - wall_start).count();
  std::unique_ptr<gate::ByteStream> sides[2] = {open(), open()};
  gate::data::TableProfile profiles[2];
  wall_start = wall();
  gate::parallel_for(2, 2,
                     [&](size_t i) { profiles[i] = gate::data::profile_table(*sides[i], {}); });
  double drift_wall = std::chrono::duration<double>(wall() - wall_start).count();
  double mb = static_cast<double>(validate_stream->total_size()) / 1e6;
  std::printf(
      "bytes=%llu rows=%llu validate_cpu=%.3f (%.1f MB/s) drift_cpu=%.3f for two profiles "
      "(%.1f MB/s each) psi_max=%.4f ratio=%.2f (CPU); two workers: validate_wall=%.3f "
      "drift_wall=%.3f wall_ratio=%.2f\n",
      static_cast<unsigned long long>(validate_stream->total_size()),
      static_cast<unsigned long long>(validation.rows), validate, mb / validate, drift,
      2 * mb / drift, psi_max, drift / validate, validate_wall, drift_wall,
      drift_wall / validate_wall);
  return 0;
}
