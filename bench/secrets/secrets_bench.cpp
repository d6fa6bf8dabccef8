// Throughput of the `secrets` rule with the full built-in catalogue, on one core: reads every
// file below CORPUS_DIR as added lines of a change, evaluates the rule as `gate check` does and
// prints MB/s. Usage: bench_secrets CORPUS_DIR [RUNS]  (the best of RUNS runs is reported).
// BENCH_PER_FORMAT=id,id prints each built-in format's scan alone and the catalogue without
// those formats (BENCH_REST_ONLY=1: only the latter), to see what each pattern costs.
#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "gate/types/rule.hpp"
#include "rules/code/secrets/catalogue.hpp"
#include "rules/code/secrets/gitleaks_config.hpp"
#include "rules/code/secrets/scanner.hpp"
#include "rules/code/secrets/secrets_rule.hpp"

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
    if (entry.is_regular_file() && entry.path().filename().string().front() != '.') {
      paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    change.files.push_back(
        load_file(path, std::filesystem::relative(path, root).generic_string(), bytes));
  }

  const gate::rules::RuleType type = gate::rules::secrets_type();
  gate::PolicyRule spec;
  spec.id = "no-secrets";
  spec.type = "secrets";
  gate::Params params("bench.yaml",
                      YAML::Load(std::getenv("BENCH_PARAMS") ? std::getenv("BENCH_PARAMS") : "{}"),
                      "bench");
  auto rule = type.factory(params, spec);
  gate::Policy policy;
  gate::Evidence evidence;
  gate::MemoryBlobSource blobs;
  if (const char* config = std::getenv("BENCH_GITLEAKS")) {  // a config as if in the base tree
    std::ifstream in(config);
    std::stringstream text;
    text << in.rdbuf();
    blobs.put(gate::Tree::base, ".gitleaks.toml", text.str());
  }

  // Warm-up on an empty change compiles the catalogue (once a process, not part of a scan).
  gate::ChangeSet empty;
  auto compile_start = std::chrono::steady_clock::now();
  rule->evaluate(gate::RuleContext{empty, policy, spec, blobs, evidence, std::nullopt, 0});
  double compile_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - compile_start).count();

  if (std::getenv("BENCH_PER_FORMAT")) {
    // Each built-in format alone (its own Vectorscan database), slowest first: which patterns
    // the prefilter pays for.
    std::vector<gate::secrets::Fragment> fragments;
    for (const auto& file : change.files) {
      gate::secrets::Fragment fragment;
      for (const auto& line : file.added_lines) fragment.add_line(line.number, line.text);
      fragments.push_back(std::move(fragment));
    }
    // CPU seconds of the best of `times` scans of every file with the given formats.
    auto cost_of = [&](std::vector<gate::secrets::SecretRuleSpec> formats, int times) {
      gate::secrets::Scanner scanner(std::move(formats), {});
      gate::secrets::Scanner::Session session(scanner);
      double best_seconds = 1e30;
      for (int run = 0; run < times; ++run) {
        timespec a{}, b{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
        std::vector<gate::secrets::SecretMatch> matches;
        for (size_t i = 0; i < fragments.size(); ++i) {
          session.scan(change.files[i].path, fragments[i], {}, matches);
        }
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
        best_seconds =
            std::min(best_seconds, (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) * 1e-9);
      }
      return best_seconds;
    };
    std::vector<std::pair<double, std::string>> costs;
    if (!std::getenv("BENCH_REST_ONLY")) {
      for (const auto& format : gate::secrets::builtin_catalogue()) {
        costs.emplace_back(cost_of({format}, 1), format.id);
      }
    }
    // And the whole catalogue but the formats named in BENCH_PER_FORMAT (comma-separated).
    std::vector<gate::secrets::SecretRuleSpec> rest;
    const std::string excluded = "," + std::string(std::getenv("BENCH_PER_FORMAT")) + ",";
    for (const auto& format : gate::secrets::builtin_catalogue()) {
      if (excluded.find("," + format.id + ",") == std::string::npos) rest.push_back(format);
    }
    const double rest_seconds = cost_of(std::move(rest), runs);
    costs.emplace_back(rest_seconds, "(all but " + excluded + ")");
    std::sort(costs.rbegin(), costs.rend());
    for (const auto& [seconds, id] : costs) {
      std::printf("%8.1f MB/s  %s\n", bytes / 1e6 / seconds, id.c_str());
    }
    return 0;
  }
  if (const char* config = std::getenv("BENCH_GITLEAKS")) {
    // Scanner only, for a given configuration (compiled once): which patterns cost what.
    auto resolved = gate::secrets::load_gitleaks_config(
        ".gitleaks.toml",
        [&](const std::string& path) { return blobs.read(gate::Tree::base, path, 1 << 22); });
    gate::secrets::Scanner scanner(std::move(resolved.rules), std::move(resolved.allowlists));
    gate::secrets::Scanner::Session session(scanner);
    timespec a{}, b{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
    size_t found = 0;
    for (const auto& file : change.files) {
      gate::secrets::Fragment fragment;
      for (const auto& line : file.added_lines) fragment.add_line(line.number, line.text);
      std::vector<gate::secrets::SecretMatch> matches;
      session.scan(file.path, fragment, {}, matches);
      found += matches.size();
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
    double s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) * 1e-9;
    std::printf("%s: %.1f MB/s per core, %zu matches\n", config, bytes / 1e6 / s, found);
    return 0;
  }
  // CPU time of this thread: MB/s per core even when the machine is shared (wall time is
  // printed too).
  auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  };
  double best = 1e30;
  double best_cpu = 1e30;
  size_t findings = 0;
  for (int run = 0; run < runs; ++run) {
    auto start = std::chrono::steady_clock::now();
    double cpu_start = cpu_now();
    gate::RuleResult result =
        rule->evaluate(gate::RuleContext{change, policy, spec, blobs, evidence, std::nullopt, 0});
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::min(best, seconds);
    best_cpu = std::min(best_cpu, cpu_now() - cpu_start);
    findings = result.findings.size();
    if (run == 0 && std::getenv("BENCH_SHOW")) {
      std::map<std::string, size_t> by_format;
      for (const auto& f : result.findings) ++by_format[f.message.substr(0, f.message.find(' '))];
      for (const auto& [id, n] : by_format) std::fprintf(stderr, "%6zu %s\n", n, id.c_str());
      for (size_t i = 0; i < result.findings.size() && i < 8; ++i) {
        std::fprintf(stderr, "%s:%u\n", result.findings[i].path.c_str(),
                     result.findings[i].start_line);
      }
    }
  }
  const double mb = static_cast<double>(bytes) / 1e6;

  // Floor in the same run: one RE2 pass of a single keyword-assignment pattern over the same
  // text (what any regex-based scanner pays at the least), on the same core.
  std::vector<std::string> texts;
  for (const auto& file : change.files) {
    std::string text;
    for (const auto& line : file.added_lines) (text += line.text) += '\n';
    texts.push_back(std::move(text));
  }
  re2::RE2 keyword(
      R"re((?i)(?:token|secret|password|key)[\w.\-]{0,20}\s*[:=]\s*["']?([\w+/=\-]{16,}))re");
  double floor_cpu = 1e30;
  size_t floor_hits = 0;
  for (int run = 0; run < runs; ++run) {
    double cpu_start = cpu_now();
    size_t hits = 0;
    for (const auto& text : texts) {
      re2::StringPiece input(text);
      re2::StringPiece value;
      while (re2::RE2::FindAndConsume(&input, keyword, &value)) ++hits;
    }
    floor_cpu = std::min(floor_cpu, cpu_now() - cpu_start);
    floor_hits = hits;
  }
  std::printf(
      "gate_files=%zu gate_mb=%.1f gate_cpu_seconds=%.3f gate_mb_per_s=%.1f "
      "gate_wall_seconds=%.3f findings=%zu compile_seconds=%.3f re2_floor_mb_per_s=%.1f "
      "re2_floor_hits=%zu ratio_to_re2_floor=%.2f\n",
      change.files.size(), mb, best_cpu, mb / best_cpu, best, findings, compile_s, mb / floor_cpu,
      floor_hits, floor_cpu / best_cpu);
  return 0;
}
