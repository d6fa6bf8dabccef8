#pragma once

#include <git2.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gate/engine/similarity.hpp"

namespace gate {

// One side of a possible rename: a deleted path (source) or an added one (destination).
struct RenameCandidate {
  std::string path;
  uint16_t mode = 0;  // git file mode
  git_oid id{};
};

struct RenamePair {
  size_t source = 0;        // index into the sources
  size_t destination = 0;   // index into the destinations
  uint16_t similarity = 0;  // 0..100, as `git diff -M` prints it
};

struct RenameResult {
  std::vector<RenamePair> pairs;  // in destination order
  // Nonzero when the search for edited renames was skipped because sources x destinations
  // exceeded the limit squared: the limit that would have let it run (git's advice).
  size_t limit_needed = 0;
};

// Where the similarity search reads blobs: sizes from object headers, signatures from content.
class RenameContent {
 public:
  virtual ~RenameContent() = default;
  virtual uint64_t size(const git_oid& id) = 0;
  // Signatures of the blobs, in the order given (may spread the reads over threads).
  virtual std::vector<SpanSignature> signatures(const std::vector<git_oid>& ids) = 0;
};

struct RenameOptions {
  int limit = 1000;  // git's diff.renameLimit; 0 or less: no limit
  // Files larger than this are paired only when unchanged: their content is never read whole.
  uint64_t max_content_bytes = 64ull << 20;
  unsigned threads = 0;  // for the similarity matrix; 0: one per core
};

// Pairs deleted and added paths the way `git diff -M` does (diffcore-rename), so a change set
// names the same renames as the git command line: identical blobs first (preferring a source of
// the same file name), then files of the same unique name at least 75% similar, then, when the
// remaining sources x destinations stay within limit^2, the best match of at least 50% for each
// destination, best pairs first. Copies are not searched, as `git diff -M` does not.
// Both lists are in path order (git's order, which decides ties).
RenameResult find_renames(const std::vector<RenameCandidate>& sources,
                          const std::vector<RenameCandidate>& destinations,
                          const RenameOptions& options, RenameContent& content);

}  // namespace gate
