#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "gate/types/blob_source.hpp"
#include "gate/types/changeset.hpp"
#include "gate/types/errors.hpp"
#include "gate/types/evidence.hpp"
#include "gate/types/finding.hpp"
#include "gate/types/params.hpp"
#include "gate/types/policy.hpp"
#include "gate/types/rule.hpp"
#include "rules/model/model_scan.hpp"
#include "rules/registry.hpp"
#include "tests/support/rule_runner.hpp"

namespace gate::test {

// Runs one rule type over an in-memory change: files put at head are part of the change.
class RuleHarness {
 public:
  // Adds `path` at head (and as a changed file); `base` content, when given, goes to merge_base.
  void change(const std::string& path, const std::string& content) {
    blobs.put(Tree::head, path, content);
    FileChange file;
    file.status = ChangeStatus::added;
    file.path = path;
    file.new_kind = EntryKind::file;
    file.new_size = content.size();
    change_set.files.push_back(file);
  }
  void head_only(const std::string& path, const std::string& content) {
    blobs.put(Tree::head, path, content);
  }
  void base(const std::string& path, const std::string& content) {
    blobs.put(Tree::merge_base, path, content);
  }

  // Builds the rule from `yaml` (its own keys only) and evaluates it.
  RuleResult run(const std::string& type, const std::string& yaml = "{}") {
    return run_rule_type(type, yaml, change_set, policy, blobs, evidence);
  }

  // "severity path: message" lines, for exact comparisons.
  std::vector<std::string> findings(const std::string& type, const std::string& yaml = "{}") {
    std::vector<std::string> out;
    for (const auto& f : run(type, yaml).findings) {
      out.push_back(std::string(to_string(f.severity)) + " " + f.path + ": " + f.message);
    }
    return out;
  }

  MemoryBlobSource blobs;
  ChangeSet change_set;
  Policy policy;
  Evidence evidence;
};

std::string fixture(const std::string& name);

// `size` bytes that neither zlib nor git's delta search can shrink, the same for the same seed.
std::string noise(size_t size, uint64_t seed);

// ru_maxrss of getrusage(`who`) in KiB: RUSAGE_SELF, or RUSAGE_CHILDREN (the largest waited-for
// child).
long peak_rss_kib(int who);

// "E " (blocking) or "W " and the message of each issue the model scan reports for `bytes`,
// after the detected format ("E pickle: ...") when `with_format`.
std::vector<std::string> model_verdicts(const std::string& path, const std::string& bytes,
                                        const rules::model::ScanOptions& options = {},
                                        bool with_format = false);

}  // namespace gate::test
