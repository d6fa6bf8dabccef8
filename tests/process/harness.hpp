// Shared helpers for the process-rule tests: a policy from YAML, a change set built from values,
// an in-memory repository and the real engine.
#pragma once

#include <string>
#include <vector>

#include "gate/engine/engine.hpp"
#include "gate/engine/policy_loader.hpp"
#include "gate/types/blob_source.hpp"
#include "gate/types/changeset.hpp"
#include "gate/types/evidence.hpp"

namespace gate::test {

inline const std::string kHead = "1111111111111111111111111111111111111111";
inline const std::string kOldHead = "2222222222222222222222222222222222222222";

inline FileChange changed(const std::string& path, ChangeStatus status = ChangeStatus::modified) {
  FileChange file;
  file.path = path;
  file.status = status;
  file.old_kind = status == ChangeStatus::added ? EntryKind::none : EntryKind::file;
  file.new_kind = status == ChangeStatus::deleted ? EntryKind::none : EntryKind::file;
  return file;
}

inline Approval approved(const std::string& reviewer, const std::string& commit = kHead,
                         int64_t time = 100) {
  return Approval{reviewer, "approved", commit, time};
}

struct Scenario {
  explicit Scenario(const std::string& policy_yaml)
      : policy(parse_policy(policy_yaml, ".gate/policy.yaml")) {
    change.base = "3333333333333333333333333333333333333333";
    change.head = kHead;
    change.merge_base = change.base;
    evidence.approvals_provided = true;
    evidence.author = "author";
  }

  void add(FileChange file) { change.files.push_back(std::move(file)); }

  Evaluation run(int64_t now = 1'700'000'000) const {
    EvaluateOptions options;
    options.now = now;
    options.threads = 1;
    return evaluate_policy(policy, change, blobs, evidence, options);
  }

  // Messages of the unwaived findings, in report order.
  std::vector<std::string> messages(int64_t now = 1'700'000'000) const {
    std::vector<std::string> out;
    for (const auto& finding : run(now).findings) out.push_back(finding.message);
    return out;
  }

  std::string status() const { return std::string(to_string(run().outcomes.at(0).status)); }

  Policy policy;
  ChangeSet change;
  MemoryBlobSource blobs;
  Evidence evidence;
};

}  // namespace gate::test
