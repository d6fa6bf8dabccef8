// Validates one CSV file against a Table Schema, streaming, and prints the throughput:
//   bench_data FILE.csv SCHEMA.json
// Output: "bytes=N cpu_seconds=C wall_seconds=W mb_per_s=M rows=R violations=V suppressed=X" on one
// line.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bench/data/cpu_time.hpp"
#include "rules/data/data_digest.hpp"
#include "rules/data/table_schema.hpp"
#include "rules/data/table_validator.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench_data FILE.csv SCHEMA.json\n");
    return 2;
  }
  std::ifstream schema_file(argv[2]);
  std::stringstream schema_text;
  schema_text << schema_file.rdbuf();
  gate::data::TableSchema schema = gate::data::parse_table_schema_text(schema_text.str());
  std::filesystem::path file = std::filesystem::absolute(argv[1]);
  auto stream = gate::data::open_workspace_file(file.parent_path(), file.filename().string());
  if (!stream) {
    std::fprintf(stderr, "bench_data: cannot open %s\n", argv[1]);
    return 2;
  }
  gate::data::ValidationLimits limits;
  double cpu_start = cpu_seconds();
  auto start = std::chrono::steady_clock::now();
  auto result = gate::data::validate_table(*stream, gate::data::TableFormat::csv, schema, limits);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu = cpu_seconds() - cpu_start;
  uint64_t bytes = stream->total_size();
  // Per core: bytes over the CPU time spent (the machine may be shared); wall time alongside.
  std::printf(
      "bytes=%llu cpu_seconds=%.3f wall_seconds=%.3f mb_per_s=%.1f rows=%llu violations=%zu "
      "suppressed=%llu\n",
      static_cast<unsigned long long>(bytes), cpu, seconds, bytes / 1e6 / cpu,
      static_cast<unsigned long long>(result.rows), result.violations.size(),
      static_cast<unsigned long long>(result.suppressed));
  return 0;
}
