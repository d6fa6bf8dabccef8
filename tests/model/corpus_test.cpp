// The labelled corpus of tests/model/corpus/gen_corpus.py (hostile files reproducing scanner
// bypasses, benign files laid out as torch, joblib and NumPy write them), generated at test time
// and judged by model-serialization with its defaults. Prints detection and false-positive
// rates per technique; fails on any miss and on any benign file that blocks. With
// GATE_CORPUS_VERBOSE set it prints the first blocking finding of every file.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>

#include "tests/model/harness.hpp"
#include "tests/support/support.hpp"

namespace gate::test {
namespace {

struct Sample {
  std::string path;
  bool malicious = false;
  std::string technique;
  std::string params;
};

std::vector<Sample> read_labels(const std::filesystem::path& file) {
  std::vector<Sample> samples;
  std::istringstream in(read_file(file));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    size_t start = 0;
    while (true) {
      size_t tab = line.find('\t', start);
      fields.push_back(line.substr(start, tab == std::string::npos ? tab : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (fields.size() != 4) continue;
    samples.push_back({fields[0], fields[1] == "malicious", fields[2], fields[3]});
  }
  return samples;
}

struct Tally {
  bool malicious = false;
  int files = 0;
  int blocked = 0;
  int warned = 0;  // files with warnings only
};

TEST(ModelCorpus, EveryTechniqueIsBlockedAndNoBenignModelIs) {
  TempDir dir;
  RunResult generated =
      run({"python3", std::string(GATE_SOURCE_DIR) + "/tests/model/corpus/gen_corpus.py",
           dir.path().string()});
  if (generated.exit_code == -1 || generated.exit_code == 127) {
    GTEST_SKIP() << "python3 is needed to generate the corpus";
  }
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  std::vector<Sample> samples = read_labels(dir / "labels.tsv");
  ASSERT_GE(samples.size(), 30u);

  std::map<std::string, Tally> tallies;
  std::vector<std::string> wrong;
  for (const auto& sample : samples) {
    RuleHarness h;
    h.change(sample.path, read_file(dir / sample.path));
    RuleResult result = h.run("model-serialization", sample.params);
    bool blocked = false;
    bool warned = false;
    std::string first;
    for (const auto& f : result.findings) {
      if (f.severity == Severity::error) {
        if (!blocked) first = f.message;
        blocked = true;
      } else {
        warned = true;
      }
    }
    Tally& tally = tallies[sample.technique];
    tally.malicious = sample.malicious;
    ++tally.files;
    tally.blocked += blocked ? 1 : 0;
    tally.warned += (!blocked && warned) ? 1 : 0;
    if (std::getenv("GATE_CORPUS_VERBOSE")) {
      std::printf("  %s: %s\n", sample.path.c_str(), blocked ? first.c_str() : "(passes)");
    }
    if (blocked != sample.malicious) {
      wrong.push_back(sample.path + (sample.malicious ? ": missed" : ": blocked: " + first));
    }
  }

  int malicious = 0, caught = 0, benign = 0, flagged = 0;
  std::printf("%-36s %6s %9s %s\n", "technique", "files", "blocked", "rate");
  for (const auto& [technique, tally] : tallies) {
    double rate = 100.0 * tally.blocked / tally.files;
    std::printf("%-36s %6d %9d %s %.0f%%%s\n", technique.c_str(), tally.files, tally.blocked,
                tally.malicious ? "detection" : "false positives", rate,
                tally.warned ? (" (" + std::to_string(tally.warned) + " warned)").c_str() : "");
    (tally.malicious ? malicious : benign) += tally.files;
    (tally.malicious ? caught : flagged) += tally.blocked;
  }
  std::printf("malicious blocked: %d/%d (%.1f%%); benign blocked: %d/%d (%.1f%%)\n", caught,
              malicious, 100.0 * caught / malicious, flagged, benign, 100.0 * flagged / benign);
  for (const auto& line : wrong) ADD_FAILURE() << line;
}

}  // namespace
}  // namespace gate::test
