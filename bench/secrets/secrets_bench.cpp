// Throughput of the `secrets` rule with the full built-in catalogue, on one core: reads every
// file below CORPUS_DIR as added lines of a change, evaluates the rule as `gate check` does and
// prints MB/s. Usage: bench_secrets CORPUS_DIR [RUNS]  (the best of RUNS runs is reported).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "gate/types/rule.hpp"
#include "rules/registry.hpp"

namespace {

gate::FileChange load_file(const std::filesystem::path& path, const std::string& relative,
                           uint64_t& bytes) {
  gate::FileChange file;
  file.status = gate::ChangeStatus::added;
  file.path = relative;
  file.new_kind = gate::EntryKind::file;
  std::ifstream in(path, std::ios::binary);
  std::string line;
  uint32_t number = 0;
  while (std::getline(in, line)) {
    bytes += line.size() + 1;
    file.added_lines.push_back({++number, line});
  }
  file.new_size = bytes;
  return file;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_secrets CORPUS_DIR [RUNS]\n";
    return 2;
  }
  const std::filesystem::path root = argv[1];
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;

  gate::ChangeSet change;
  uint64_t bytes = 0;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    change.files.push_back(
        load_file(path, std::filesystem::relative(path, root).generic_string(), bytes));
  }

  const gate::rules::RuleType* type = gate::rules::registry().find("secrets");
  gate::PolicyRule spec;
  spec.id = "no-secrets";
  spec.type = "secrets";
  gate::Params params("bench.yaml", YAML::Load("{}"), "bench");
  auto rule = type->factory(params, spec);
  gate::Policy policy;
  gate::Evidence evidence;
  gate::MemoryBlobSource blobs;

  // Warm-up on an empty change compiles the catalogue (once a process, not part of a scan).
  gate::ChangeSet empty;
  auto compile_start = std::chrono::steady_clock::now();
  rule->evaluate(gate::RuleContext{empty, policy, spec, blobs, evidence, std::nullopt, 0});
  double compile_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - compile_start).count();

  double best = 1e30;
  size_t findings = 0;
  for (int run = 0; run < runs; ++run) {
    auto start = std::chrono::steady_clock::now();
    gate::RuleResult result =
        rule->evaluate(gate::RuleContext{change, policy, spec, blobs, evidence, std::nullopt, 0});
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::min(best, seconds);
    findings = result.findings.size();
  }
  const double mb = static_cast<double>(bytes) / 1e6;
  std::printf(
      "gate_files=%zu gate_mb=%.1f gate_seconds=%.3f gate_mb_per_s=%.1f findings=%zu "
      "compile_seconds=%.3f\n",
      change.files.size(), mb, best, mb / best, findings, compile_s);
  return 0;
}
