#include "gate/cli/policy_test.hpp"

#include <stdlib.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

#include "gate/engine/check.hpp"
#include "gate/engine/git.hpp"
#include "gate/engine/policy_loader.hpp"
#include "gate/types/errors.hpp"
#include "gate/types/file_read.hpp"
#include "gate/types/params.hpp"

namespace gate::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kExpectedFile = "expected.yaml";
constexpr int64_t kCommitTime = 1767225600;  // 2026-01-01: cases build the same commits each run

struct ExpectedFinding {
  std::string rule;
  std::optional<std::string> path;
  std::optional<int64_t> line;
  std::optional<std::string> severity;
  std::optional<bool> waived;
  std::optional<std::string> message;  // a part of the message

  std::string describe() const {
    std::string text = "rule=" + rule;
    if (path) text += " path=" + *path;
    if (line) text += " line=" + std::to_string(*line);
    if (severity) text += " severity=" + *severity;
    if (waived) text += std::string(" waived=") + (*waived ? "true" : "false");
    if (message) text += " message~\"" + *message + "\"";
    return text;
  }
  bool matches(const Finding& f) const {
    return f.rule_id == rule && (!path || *path == f.path) &&
           (!line || *line == static_cast<int64_t>(f.start_line)) &&
           (!severity || *severity == to_string(f.severity)) &&
           (!waived || *waived == f.waived_by.has_value()) &&
           (!message || f.message.find(*message) != std::string::npos);
  }
};

struct Expectation {
  std::string verdict;               // pass, fail or error
  std::optional<std::string> error;  // part of the error message when verdict is error
  std::optional<std::vector<ExpectedFinding>> findings;  // absent: not compared
  std::vector<std::string> deleted;
  std::string commit_message = "Change under test";
  std::optional<std::string> approvals;
};

std::string read_text(const fs::path& path) {
  return read_file_or_throw(path, "cannot read the file", "check the path");
}

Expectation read_expectation(const fs::path& file) {
  std::string display = file.string();
  YAML::Node root;
  try {
    root = YAML::Load(read_text(file));
  } catch (const YAML::Exception& e) {
    throw InputError(display, static_cast<uint32_t>(e.mark.line + 1),
                     static_cast<uint32_t>(e.mark.column + 1), "YAML syntax: " + e.msg);
  }
  if (!root.IsMap()) throw InputError(display, 1, 1, "expected.yaml must be a YAML mapping");
  Params top(display, root, "");
  Expectation expected;
  expected.verdict = top.string("verdict");
  if (expected.verdict != "pass" && expected.verdict != "fail" && expected.verdict != "error") {
    top.fail("verdict", "must be pass, fail or error, not '" + expected.verdict + "'");
  }
  expected.error = top.optional_string("error");
  if (top.has("findings")) {
    expected.findings.emplace();
    for (const Params& entry : top.children("findings")) {
      ExpectedFinding f;
      f.rule = entry.string("rule");
      f.path = entry.optional_string("path");
      if (entry.has("line")) f.line = entry.integer_or("line", 0);
      f.severity = entry.optional_string("severity");
      if (f.severity && !parse_severity(*f.severity)) {
        entry.fail("severity", "must be error, warning or notice");
      }
      if (entry.has("waived")) f.waived = entry.boolean_or("waived", false);
      f.message = entry.optional_string("message");
      entry.finish();
      expected.findings->push_back(std::move(f));
    }
  }
  expected.deleted = top.string_list("deleted");
  expected.commit_message = top.string_or("commit-message", expected.commit_message);
  expected.approvals = top.optional_string("approvals");
  top.finish();
  return expected;
}

// A folder removed with its content when the object dies.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "gate-policy-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary folder");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void copy_tree(const fs::path& from, const fs::path& to) {
  if (!fs::exists(from)) return;
  fs::copy(from, to,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks |
               fs::copy_options::overwrite_existing);
}

// Stages the whole working tree (additions, changes, deletions) and commits it on HEAD.
std::string commit_all(git_repository* repo, const std::string& message) {
  git_index* raw_index = nullptr;
  git::check(git_repository_index(&raw_index, repo), "open the index");
  git::Index index(raw_index);
  git::check(git_index_add_all(index.get(), nullptr, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr),
             "stage files");
  git::check(git_index_update_all(index.get(), nullptr, nullptr, nullptr), "stage deletions");
  git::check(git_index_write(index.get()), "write the index");
  git_oid tree_id;
  git::check(git_index_write_tree(&tree_id, index.get()), "write the tree");
  git_tree* raw_tree = nullptr;
  git::check(git_tree_lookup(&raw_tree, repo, &tree_id), "look up the tree");
  git::Tree tree(raw_tree);
  git_signature* raw_sig = nullptr;
  git::check(
      git_signature_new(&raw_sig, "Gate Policy Test", "policy-test@gate.invalid", kCommitTime, 0),
      "make a signature");
  git::Signature signature(raw_sig);
  std::optional<git::Commit> parent;
  if (auto head = git::resolve_commit(repo, "HEAD")) parent = git::lookup_commit(repo, *head);
  const git_commit* parents[1] = {parent ? parent->get() : nullptr};
  git_oid commit_id;
  git::check(git_commit_create(&commit_id, repo, "HEAD", signature.get(), signature.get(), nullptr,
                               message.c_str(), tree.get(), parent ? 1 : 0, parents),
             "commit");
  return git::to_hex(commit_id);
}

std::string describe(const Finding& f) {
  std::string text = "rule=" + f.rule_id + " path=" + f.path;
  if (f.start_line > 0) text += " line=" + std::to_string(f.start_line);
  text += " severity=" + std::string(to_string(f.severity));
  if (f.waived_by) text += " waived=true";
  return text + ": " + f.message;
}

void compare_findings(const std::vector<ExpectedFinding>& expected,
                      const std::vector<Finding>& actual, std::vector<std::string>& out) {
  std::vector<bool> used(actual.size(), false);
  for (const auto& want : expected) {
    bool found = false;
    for (size_t i = 0; i < actual.size() && !found; ++i) {
      if (!used[i] && want.matches(actual[i])) used[i] = found = true;
    }
    if (!found) out.push_back("missing finding: " + want.describe());
  }
  for (size_t i = 0; i < actual.size(); ++i) {
    if (!used[i]) out.push_back("unexpected finding: " + describe(actual[i]));
  }
}

CaseOutcome run_case(const fs::path& case_dir, const std::string& policy_text,
                     const PolicyTestOptions& options) {
  CaseOutcome outcome;
  outcome.name = case_dir.filename().string();
  Expectation expected = read_expectation(case_dir / kExpectedFile);

  ScratchDir scratch;
  git_repository* raw_repo = nullptr;
  git::check(git_repository_init(&raw_repo, scratch.path().c_str(), 0), "create a repository");
  git::Repository repo(raw_repo);
  // The base revision carries the policy under test, where `gate check` reads it in real runs.
  copy_tree(case_dir / "base", scratch.path());
  fs::create_directories(scratch.path() / ".gate");
  {
    std::ofstream policy(scratch.path() / kPolicyPath, std::ios::binary | std::ios::trunc);
    policy << policy_text;
  }
  std::string base = commit_all(repo.get(), "Base of the case");
  copy_tree(case_dir / "head", scratch.path());
  for (const auto& path : expected.deleted) {
    fs::path target = scratch.path() / path;
    if (!fs::exists(fs::symlink_status(target))) {
      throw InputError((case_dir / kExpectedFile).string(), 0, 0,
                       "deleted: '" + path + "' is not in the base tree",
                       "list paths of files under base/");
    }
    fs::remove_all(target);
  }
  std::string head = commit_all(repo.get(), expected.commit_message);

  CheckRequest request;
  request.repo = scratch.path().string();
  request.base = base;
  request.head = head;
  request.now = options.now;
  request.threads = 1;
  if (expected.approvals) request.approvals_file = (case_dir / *expected.approvals).string();

  std::optional<Decision> report;
  std::string error;
  try {
    report = run_check(request);
  } catch (const InputError& e) {
    error = e.describe();
  } catch (const RuleError& e) {
    error = std::string("a rule could not evaluate: ") + e.what();
  }
  std::string verdict = report ? std::string(to_string(report->verdict)) : "error";
  if (verdict != expected.verdict) {
    outcome.disagreements.push_back("expected verdict " + expected.verdict + ", got " + verdict +
                                    (error.empty() ? "" : " (" + error + ")"));
  }
  if (expected.error && error.find(*expected.error) == std::string::npos) {
    outcome.disagreements.push_back("expected an error containing \"" + *expected.error +
                                    "\", got " + (error.empty() ? "none" : "\"" + error + "\""));
  }
  if (expected.findings && report) {
    compare_findings(*expected.findings, report->findings, outcome.disagreements);
  }
  outcome.passed = outcome.disagreements.empty();
  return outcome;
}

}  // namespace

std::vector<CaseOutcome> run_policy_tests(const PolicyTestOptions& options) {
  if (!fs::is_directory(options.cases_dir)) {
    throw InputError(options.cases_dir.string(), 0, 0, "is not a folder of policy test cases",
                     "see docs/policy-testing.md for the layout");
  }
  std::string policy_text = read_text(options.policy);
  parse_policy(policy_text, options.policy.string());  // a broken policy fails before any case

  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(options.cases_dir)) {
    if (entry.is_directory() && fs::exists(entry.path() / kExpectedFile) &&
        entry.path().filename().string().find(options.filter) != std::string::npos) {
      cases.push_back(entry.path());
    }
  }
  std::sort(cases.begin(), cases.end());
  if (cases.empty()) {
    throw InputError(options.cases_dir.string(), 0, 0,
                     "holds no case (a folder with an expected.yaml)",
                     "see docs/policy-testing.md for the layout");
  }
  std::vector<CaseOutcome> outcomes;
  for (const auto& dir : cases) outcomes.push_back(run_case(dir, policy_text, options));
  return outcomes;
}

}  // namespace gate::cli
