#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "gate/types/blob_source.hpp"
#include "gate/types/changeset.hpp"
#include "gate/types/evidence.hpp"
#include "gate/types/params.hpp"
#include "gate/types/policy.hpp"
#include "gate/types/rule.hpp"
#include "rules/registry.hpp"
#include "tests/support/rule_runner.hpp"

namespace gate::test {

// One data rule over an in-memory change. Files given to change() are added at head, with every
// line as an added line and the `data` asset when under data/.
class DataHarness {
 public:
  FileChange& change(const std::string& path, const std::string& content) {
    blobs.put(Tree::head, path, content);
    FileChange file;
    file.status = ChangeStatus::added;
    file.path = path;
    file.new_kind = EntryKind::file;
    file.new_size = content.size();
    file.new_blob = std::string(40, 'a');
    std::istringstream lines(content);
    std::string line;
    uint32_t number = 0;
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      file.added_lines.push_back({++number, line});
    }
    file.assets = {path.rfind("data/", 0) == 0 ? "data" : "other"};
    change_set.files.push_back(file);
    std::sort(change_set.files.begin(), change_set.files.end(),
              [](const FileChange& a, const FileChange& b) { return a.path < b.path; });
    return *std::find_if(change_set.files.begin(), change_set.files.end(),
                         [&](const FileChange& f) { return f.path == path; });
  }
  void head_only(const std::string& path, const std::string& content) {
    blobs.put(Tree::head, path, content);
  }

  RuleResult run(const std::string& type, const std::string& yaml = "{}") {
    return run_rule_type(type, yaml, change_set, policy, blobs, evidence, workdir);
  }

  // "severity path:line: message" lines, for exact comparisons.
  std::vector<std::string> findings(const std::string& type, const std::string& yaml = "{}") {
    std::vector<std::string> out;
    for (const auto& f : run(type, yaml).findings) {
      out.push_back(std::string(to_string(f.severity)) + " " + f.path + ":" +
                    std::to_string(f.start_line) + ": " + f.message);
    }
    return out;
  }

  MemoryBlobSource blobs;
  ChangeSet change_set;
  Policy policy;
  Evidence evidence;
  std::optional<std::filesystem::path> workdir;
};

// A stream of `total` bytes made by repeating a generator's output: multi-gigabyte inputs
// without allocating them. `head` comes first, then `body` repeated, cut at `total`.
class GeneratedStream : public ByteStream {
 public:
  GeneratedStream(std::string head, std::string body, uint64_t total)
      : head_(std::move(head)), body_(std::move(body)), total_(total) {}
  size_t read(char* buffer, size_t size) override {
    size_t n = 0;
    while (n < size && offset_ < total_) {
      const std::string& source = offset_ < head_.size() ? head_ : body_;
      uint64_t at = offset_ < head_.size() ? offset_ : (offset_ - head_.size()) % body_.size();
      size_t take = std::min<uint64_t>({size - n, source.size() - at, total_ - offset_});
      std::memcpy(buffer + n, source.data() + at, take);
      n += take;
      offset_ += take;
    }
    return n;
  }
  uint64_t total_size() const override { return total_; }

 private:
  std::string head_;
  std::string body_;
  uint64_t total_;
  uint64_t offset_ = 0;
};

}  // namespace gate::test
