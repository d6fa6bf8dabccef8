// Conformance with the formats' own implementations: every case of ../shared/corpora/data/ is
// committed as a change to a real git repository and judged by the built `gate check`; what Gate
// reports is compared with what frictionless-py, DVC, huggingface_hub and the metrics writers
// expect. Agreement is printed per group; each group asserts the floor it has reached, so a
// regression fails here (floors: the agreement reached). Remaining disagreements and their
// reasons: docs/conformance.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/support.hpp"

namespace gate::test {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

fs::path corpus_root() { return fs::path(GATE_SHARED_DIR) / "corpora" / "data"; }

struct Reported {
  std::string severity;
  std::string path;
  uint32_t line = 0;
  std::string message;
};

// One case: the files it brings (relative to the group's head/), the finding paths it answers
// for, and how to tell whether Gate's findings agree with the expectation.
struct Case {
  std::string id;
  std::vector<std::string> files;
  std::vector<std::string> owns;  // path prefixes of its findings
  std::function<bool(const std::vector<Reported>&, std::string&)> agrees;
  std::vector<Reported> findings;
};

struct Outcome {
  int exit_code = -1;
  std::vector<Reported> findings;
  std::string error;
};

void copy_tree_files(const fs::path& from, const fs::path& to,
                     const std::vector<std::string>& only = {}) {
  if (!fs::exists(from)) return;
  auto wanted = [&](const std::string& relative) {
    if (only.empty()) return true;
    return std::find(only.begin(), only.end(), relative) != only.end();
  };
  for (const auto& entry : fs::recursive_directory_iterator(from)) {
    if (!entry.is_regular_file()) continue;
    std::string relative = fs::relative(entry.path(), from).generic_string();
    if (!wanted(relative)) continue;
    fs::create_directories((to / relative).parent_path());
    fs::copy_file(entry.path(), to / relative, fs::copy_options::overwrite_existing);
  }
}

std::vector<std::string> files_under(const fs::path& root, const std::string& prefix = "") {
  std::vector<std::string> out;
  if (!fs::exists(root / prefix)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(root / prefix)) {
    if (entry.is_regular_file()) out.push_back(fs::relative(entry.path(), root).generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Base: the group's policy (or `policy` when given) and base/ files; head: the given head/ files.
// Returns the report.
Outcome judge(const fs::path& group_dir, const std::vector<std::string>& head_files,
              const std::string& policy = "") {
  GitRepo repo;
  repo.write(".gate/policy.yaml", policy.empty() ? read_file(group_dir / "policy.yaml") : policy);
  copy_tree_files(group_dir / "base", repo.path());
  repo.commit("base");
  repo.branch("change");
  copy_tree_files(group_dir / "head", repo.path(), head_files);
  repo.commit("change");
  RunResult run = run_gate({"check", "--repo", repo.dir(), "--base", "main", "--format", "json"});
  Outcome outcome;
  outcome.exit_code = run.exit_code;
  if (run.exit_code != 0 && run.exit_code != 1) {
    outcome.error = run.err.substr(0, 600);
    return outcome;
  }
  Json report = Json::parse(run.out);
  for (const auto& f : report["findings"]) {
    outcome.findings.push_back({f["severity"].get<std::string>(), f["path"].get<std::string>(),
                                f["start_line"].get<uint32_t>(), f["message"].get<std::string>()});
  }
  for (const auto& r : report["rules"]) {
    if (r["status"] == "error") outcome.error = "rule error: " + r["reason"].get<std::string>();
  }
  return outcome;
}

bool owned(const Case& c, const std::string& path) {
  return std::any_of(c.owns.begin(), c.owns.end(),
                     [&](const std::string& prefix) { return path.rfind(prefix, 0) == 0; });
}

// Judges the whole group as one change; when Gate cannot judge it (exit 2, a rule error), each
// case alone, so one hostile case costs only itself.
size_t run_group(const std::string& name, std::vector<Case>& cases, double floor,
                 const std::string& group = "", const std::string& policy = "") {
  fs::path dir = corpus_root() / (group.empty() ? name : group);
  std::vector<std::string> all;
  for (const auto& c : cases) all.insert(all.end(), c.files.begin(), c.files.end());
  std::map<std::string, std::string> errors;
  Outcome together = judge(dir, all, policy);
  std::vector<Reported> stray;
  if (together.error.empty()) {
    for (const auto& f : together.findings) {
      bool placed = false;
      for (auto& c : cases) {
        if (owned(c, f.path)) {
          c.findings.push_back(f);
          placed = true;
        }
      }
      if (!placed) stray.push_back(f);
    }
  } else {
    std::cout << "[" << name << "] the group as one change: " << together.error
              << "; judging each case alone\n";
    for (auto& c : cases) {
      Outcome alone = judge(dir, c.files, policy);
      if (!alone.error.empty()) errors[c.id] = alone.error;
      c.findings = alone.findings;
    }
  }
  size_t agreeing = 0;
  std::vector<std::string> disagreeing;
  for (auto& c : cases) {
    std::string why;
    auto it = errors.find(c.id);
    bool ok = it == errors.end() && c.agrees(c.findings, why);
    if (it != errors.end()) why = it->second;
    if (ok) {
      ++agreeing;
    } else {
      disagreeing.push_back(c.id + ": " + why);
    }
  }
  double share = cases.empty() ? 1.0 : static_cast<double>(agreeing) / cases.size();
  std::cout << "[" << name << "] agreement " << agreeing << "/" << cases.size() << " ("
            << static_cast<int>(share * 1000) / 10.0 << "%)\n";
  for (const auto& d : disagreeing) std::cout << "  disagrees: " << d << "\n";
  for (const auto& f : stray)
    std::cout << "  finding outside every case: " << f.path << ": " << f.message << "\n";
  EXPECT_GE(share + 1e-9, floor) << name << ": agreement fell below its floor";
  return agreeing;
}

std::vector<const Reported*> blocking(const std::vector<Reported>& findings) {
  std::vector<const Reported*> out;
  for (const auto& f : findings) {
    if (f.severity == "error") out.push_back(&f);
  }
  return out;
}

std::string first_messages(const std::vector<Reported>& findings, size_t limit = 3) {
  std::string out;
  size_t n = 0;
  for (const auto& f : findings) {
    if (n++ == limit) {
      out += " ...";
      break;
    }
    out += (out.empty() ? "" : " | ") + f.severity + " " + f.path + ":" + std::to_string(f.line) +
           " " + f.message;
  }
  return out.empty() ? "no finding" : out;
}

// Expectation "no blocking finding" (valid data, DVC's own files, public non-personal data).
bool clean(const std::vector<Reported>& findings, std::string& why) {
  if (blocking(findings).empty()) return true;
  why = first_messages(findings);
  return false;
}

Json load_json(const fs::path& path) {
  std::ifstream in(path);
  return Json::parse(in);
}

bool have_corpus() { return fs::exists(corpus_root() / "README.md"); }

#define REQUIRE_CORPUS()                                                          \
  if (!have_corpus()) {                                                           \
    GTEST_SKIP() << "no conformance corpus at " << corpus_root().string()         \
                 << " (the shared folder beside the checkout); nothing compared"; \
  }

// ---- fields: one cell, one schema; valid as frictionless-py says ----------------------------

TEST(DataConformance, Fields) {
  REQUIRE_CORPUS();
  fs::path head = corpus_root() / "fields" / "head";
  std::vector<Case> cases;
  for (const auto& e : load_json(corpus_root() / "fields" / "expect.json")) {
    std::string csv = e["csv"];
    std::string stem = csv.substr(0, csv.size() - 3);  // "data/ft/c000."
    Case c;
    c.id = fs::path(csv).stem().string() + " " + e["type"].get<std::string>() + "/" +
           e["format"].get<std::string>() + " " + e["value"].dump();
    for (const auto& file : files_under(head, "data/ft")) {
      if (file.rfind(stem, 0) == 0) c.files.push_back(file);
    }
    c.owns = {stem};
    bool valid = e["frictionless_valid"];
    c.agrees = [valid](const std::vector<Reported>& findings, std::string& why) {
      bool passed = blocking(findings).empty();
      if (passed == valid) return true;
      why = valid ? "valid for frictionless, Gate: " + first_messages(findings)
                  : "invalid for frictionless, Gate passes it (" + first_messages(findings) + ")";
      return false;
    };
    cases.push_back(std::move(c));
  }
  run_group("fields", cases, 1.0);
}

// ---- resources: tables and packages; the (row, error code) pairs frictionless-py reports -----

using Pair = std::pair<long, std::string>;  // row (-1: the file), frictionless error code

long row_of(const std::string& message) {
  auto at = message.find("row ");
  if (at != 0) return -1;
  return std::stol(message.substr(4));
}

bool contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

// The frictionless error code a data-schema finding stands for.
std::string code_of(const std::string& message) {
  if (contains(message, "no header row")) return "source-error";
  if (contains(message, "UTF-8") || contains(message, "encoding")) return "encoding-error";
  if (contains(message, "Table Schema") || contains(message, "schema:")) return "schema-error";
  if (contains(message, "header has")) {
    // "header has N columns but the schema has M fields"
    auto n = std::stol(message.substr(message.find("header has ") + 11));
    auto m = std::stol(message.substr(message.find("schema has ") + 11));
    return n < m ? "missing-label" : "extra-label";
  }
  if (contains(message, "missing header label")) return "missing-label";
  if (contains(message, "header label")) return "extra-label";
  if (contains(message, "header ")) return "incorrect-label";
  if (contains(message, "blank row")) return "blank-row";
  if (contains(message, "primary key (")) return "primary-key";
  if (contains(message, "foreign key")) return "foreign-key";
  if (contains(message, "(unique)") || contains(message, "unique key")) return "unique-error";
  if (contains(message, "values but the schema has")) {
    // "row has N values but the schema has M fields"
    auto n = std::stol(message.substr(message.find("has ") + 4));
    auto m = std::stol(message.substr(message.find("schema has ") + 11));
    return n < m ? "missing-cell" : "extra-cell";
  }
  if (contains(message, "missing cell")) return "missing-cell";
  if (contains(message, "extra cell")) return "extra-cell";
  if (contains(message, "is not a valid")) return "type-error";
  return "constraint-error";
}

std::string show(const std::set<Pair>& pairs) {
  std::string out;
  for (const auto& [row, code] : pairs) {
    out +=
        (out.empty() ? "" : " ") + (row < 0 ? std::string("-") : std::to_string(row)) + ":" + code;
  }
  return "{" + out + "}";
}

TEST(DataConformance, Resources) {
  REQUIRE_CORPUS();
  fs::path head = corpus_root() / "resources" / "head";
  std::vector<Case> cases;
  for (const auto& e : load_json(corpus_root() / "resources" / "expect.json")) {
    Case c;
    c.id = e["id"];
    std::string dir = "data/rc/" + c.id + "/";
    c.files = files_under(head, dir);
    c.owns = {dir};
    std::set<Pair> expected;
    for (const auto& pair : e["expect"]) {
      expected.insert({pair[0].is_null() ? -1L : pair[0].get<long>(), pair[1].get<std::string>()});
    }
    c.agrees = [expected](const std::vector<Reported>& findings, std::string& why) {
      std::set<Pair> got;
      for (const auto* f : blocking(findings)) {
        std::string code = code_of(f->message);
        // Frictionless reports label and encoding errors for the file, not for a row.
        bool file_level = code == "encoding-error" || code.find("-label") != std::string::npos;
        got.insert({file_level ? -1L : row_of(f->message), code});
      }
      if (got == expected) return true;
      why = "expected " + show(expected) + ", Gate " + show(got) + " (" + first_messages(findings) +
            ")";
      return false;
    };
    cases.push_back(std::move(c));
  }
  run_group("resources", cases, 0.94);
}

// ---- packages, dvc-real, pii-fp: every file is fine ------------------------------------------

TEST(DataConformance, Packages) {
  REQUIRE_CORPUS();
  fs::path head = corpus_root() / "packages" / "head";
  std::vector<Case> cases;
  for (const auto& file : files_under(head)) {
    if (fs::path(file).filename() == "datapackage.json") continue;
    Case c;
    c.id = file;
    std::string package = file.substr(0, file.find('/', 5) + 1);  // data/<package>/
    c.files = files_under(head, package);
    c.owns = {file, package + "datapackage.json"};
    c.agrees = clean;
    cases.push_back(std::move(c));
  }
  run_group("packages", cases, 1.0);
}

std::vector<Case> one_case_a_file(const std::string& group) {
  std::vector<Case> cases;
  for (const auto& file : files_under(corpus_root() / group / "head")) {
    Case c;
    c.id = file;
    c.files = {file};
    c.owns = {file};
    c.agrees = clean;
    cases.push_back(std::move(c));
  }
  return cases;
}

TEST(DataConformance, DvcReal) {
  REQUIRE_CORPUS();
  std::vector<Case> cases = one_case_a_file("dvc-real");
  run_group("dvc-real", cases, 1.0);
}

TEST(DataConformance, PiiFalsePositives) {
  REQUIRE_CORPUS();
  std::vector<Case> cases = one_case_a_file("pii-fp");
  run_group("pii-fp", cases, 1.0);
}

// The same data with national phone forms looked for in the regions of the world's largest
// datasets: what declaring regions costs in false positives.
TEST(DataConformance, PiiFalsePositivesWithPhoneRegions) {
  REQUIRE_CORPUS();
  std::string policy = read_file(corpus_root() / "pii-fp" / "policy.yaml") +
                       "    phone-regions: [GB, DE, FR, IN, JP, AU, BR]\n";
  std::vector<Case> cases = one_case_a_file("pii-fp");
  run_group("pii-fp+regions", cases, 0.99, "pii-fp", policy);
}

// ---- cards: what huggingface_hub reads, and Gate's documented required keys ------------------

// The expectation label of a model-card finding.
std::string card_label(const std::string& message) {
  if (contains(message, "lacks 'base_model'")) return "base_model";
  if (contains(message, "lacks ")) {
    std::string keys = message.substr(message.find("lacks ") + 6);
    std::string label;
    size_t at = 0;
    while ((at = keys.find('\'', at)) != std::string::npos) {
      size_t end = keys.find('\'', at + 1);
      if (end == std::string::npos) break;
      label += (label.empty() ? "" : "|") + keys.substr(at + 1, end - at - 1);
      at = end + 1;
    }
    return "missing:" + label;
  }
  if (contains(message, "model-index")) return "model-index";
  if (contains(message, "license")) return "license";
  return "parse";
}

TEST(DataConformance, Cards) {
  REQUIRE_CORPUS();
  fs::path head = corpus_root() / "cards" / "head";
  std::vector<Case> cases;
  for (const auto& e : load_json(corpus_root() / "cards" / "expect.json")) {
    Case c;
    c.id = e["id"];
    std::string dir = "models/" + c.id + "/";
    c.files = files_under(head, dir);
    c.owns = {dir};
    std::set<std::string> expected;
    for (const auto& label : e["expect"]) expected.insert(label.get<std::string>());
    c.agrees = [expected](const std::vector<Reported>& findings, std::string& why) {
      std::set<std::string> got;
      for (const auto* f : blocking(findings)) got.insert(card_label(f->message));
      if (got == expected) return true;
      std::string want;
      for (const auto& l : expected) want += " " + l;
      why = "expected {" + want + " }, Gate: " + first_messages(findings);
      return false;
    };
    cases.push_back(std::move(c));
  }
  run_group("cards", cases, 1.0);
}

// ---- metrics: one repository a case, each with its own policy --------------------------------

TEST(DataConformance, Metrics) {
  REQUIRE_CORPUS();
  fs::path root = corpus_root() / "metrics";
  size_t agreeing = 0;
  std::vector<std::string> disagreeing;
  Json expect = load_json(root / "expect.json");
  for (const auto& e : expect) {
    std::string id = e["id"];
    bool expect_error = e["expect_error"];
    Outcome outcome = judge(root / id, {});
    bool failed = !blocking(outcome.findings).empty();
    if (outcome.error.empty() && failed == expect_error) {
      ++agreeing;
    } else {
      disagreeing.push_back(
          id + ": expected " + (expect_error ? "a failure" : "a pass") +
          ", Gate: " + (outcome.error.empty() ? first_messages(outcome.findings) : outcome.error));
    }
  }
  double share = static_cast<double>(agreeing) / expect.size();
  std::cout << "[metrics] agreement " << agreeing << "/" << expect.size() << "\n";
  for (const auto& d : disagreeing) std::cout << "  disagrees: " << d << "\n";
  EXPECT_GE(share + 1e-9, 1.0) << "metrics: agreement fell below its floor";
}

}  // namespace
}  // namespace gate::test
