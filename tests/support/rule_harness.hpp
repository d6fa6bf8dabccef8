#pragma once

// The rule-test harness: one rule type over an in-memory change, built from its policy entry as
// the policy loader builds it. Every rule test uses it (tests/<family>/<type>_test.cpp).
#include <algorithm>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "gate/types/blob_source.hpp"
#include "gate/types/changeset.hpp"
#include "gate/types/evidence.hpp"
#include "gate/types/policy.hpp"
#include "gate/types/rule.hpp"
#include "gate/engine/policy_loader.hpp"

namespace gate::test {

class RuleHarness {
 public:
  // A file the change adds at head: every line is an added line.
  FileChange& add(const std::string& path, const std::string& content) {
    blobs.put(Tree::head, path, content);
    FileChange file;
    file.status = ChangeStatus::added;
    file.path = path;
    file.new_kind = EntryKind::file;
    file.new_size = content.size();
    file.new_blob = std::string(40, 'a');
    file.added_lines = lines_of(content);
    return insert(std::move(file));
  }
  // A file the change modifies: `added` are the numbers (1-based, in head) of the lines it adds.
  FileChange& modify(const std::string& path, const std::string& base_content,
                     const std::string& head_content, const std::vector<uint32_t>& added) {
    blobs.put(Tree::merge_base, path, base_content);
    blobs.put(Tree::head, path, head_content);
    FileChange file;
    file.status = ChangeStatus::modified;
    file.path = path;
    file.old_kind = EntryKind::file;
    file.new_kind = EntryKind::file;
    file.old_size = base_content.size();
    file.new_size = head_content.size();
    file.old_blob = std::string(40, 'b');
    file.new_blob = std::string(40, 'a');
    AddedLines all = lines_of(head_content);
    for (uint32_t number : added) {
      if (number >= 1 && number <= all.size()) file.added_lines.push_back(all[number - 1]);
    }
    return insert(std::move(file));
  }
  FileChange& remove(const std::string& path, const std::string& base_content) {
    blobs.put(Tree::merge_base, path, base_content);
    FileChange file;
    file.status = ChangeStatus::deleted;
    file.path = path;
    file.old_kind = EntryKind::file;
    file.new_kind = EntryKind::none;
    file.old_size = base_content.size();
    return insert(std::move(file));
  }

  // Builds rule `r` of `type` from `entry` (the keys of its policy entry besides id and type, in
  // block style, e.g. "paths: [\"**/*.pem\"]\nseverity: warning") through the policy loader,
  // exactly as `gate check` builds it, and evaluates it; findings sorted.
  RuleResult run(const std::string& type, const std::string& entry = "") const {
    std::string text = "version: 1\nrules:\n  - id: r\n    type: " + type + "\n";
    std::istringstream lines(entry);
    for (std::string line; std::getline(lines, line);) text += "    " + line + "\n";
    Policy judged = parse_policy(text, ".gate/policy.yaml");
    const PolicyRule& spec = judged.rules.at(0);
    RuleContext context{change, judged, spec, blobs, evidence, workdir, now};
    RuleResult result = spec.rule->evaluate(context);
    sort_findings(result.findings);
    return result;
  }

  // "severity path:line: message" lines, for exact comparisons.
  std::vector<std::string> findings(const std::string& type, const std::string& entry = "") const {
    std::vector<std::string> out;
    for (const auto& f : run(type, entry).findings) {
      out.push_back(std::string(to_string(f.severity)) + " " + f.path + ":" +
                    std::to_string(f.start_line) + ": " + f.message);
    }
    return out;
  }

  MemoryBlobSource blobs;
  ChangeSet change;
  Evidence evidence;
  std::optional<std::filesystem::path> workdir;
  int64_t now = 1'700'000'000;

 private:
  static AddedLines lines_of(const std::string& content) {
    AddedLines lines;
    std::istringstream in(content);
    std::string line;
    uint32_t number = 0;
    while (std::getline(in, line)) lines.push_back({++number, line});
    return lines;
  }
  FileChange& insert(FileChange file) {
    std::string path = file.path;
    change.files.push_back(std::move(file));
    std::sort(change.files.begin(), change.files.end(),
              [](const FileChange& a, const FileChange& b) { return a.path < b.path; });
    return *std::find_if(change.files.begin(), change.files.end(),
                         [&](const FileChange& f) { return f.path == path; });
  }
};

}  // namespace gate::test
