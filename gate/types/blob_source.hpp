#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gate {

// Which tree to read from.
//   merge_base: the old side of the change (what the merge request diff starts from);
//   head: the new side;
//   base: the target revision the policy and CODEOWNERS come from.
enum class Tree { merge_base, head, base };

// Sequential reader over a blob's bytes, so large files are handled in constant memory.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads up to `size` bytes; returns 0 at the end. Throws RuleError on read failure.
  virtual size_t read(char* buffer, size_t size) = 0;
  virtual uint64_t total_size() const = 0;
};

// Read access to the repository's content at the revisions of the change. Implementations never
// follow symlinks and never touch the working tree unless asked for `workdir` paths.
class BlobSource {
 public:
  virtual ~BlobSource() = default;
  // Whole content of `path` in `tree`, or nullopt when the path is absent (or not a regular file).
  // Throws RuleError when the blob is larger than `max_bytes`.
  virtual std::optional<std::string> read(Tree tree, std::string_view path,
                                          uint64_t max_bytes) const = 0;
  virtual std::unique_ptr<ByteStream> open(Tree tree, std::string_view path) const = 0;
  virtual std::optional<uint64_t> size(Tree tree, std::string_view path) const = 0;
  // Every regular file path in `tree` (sorted). Used by rules that need a view beyond the change.
  virtual std::vector<std::string> list(Tree tree) const = 0;
};

// An in-memory source for tests and for `gate policy test` fixtures.
class MemoryBlobSource : public BlobSource {
 public:
  void put(Tree tree, std::string path, std::string content);
  std::optional<std::string> read(Tree tree, std::string_view path,
                                  uint64_t max_bytes) const override;
  std::unique_ptr<ByteStream> open(Tree tree, std::string_view path) const override;
  std::optional<uint64_t> size(Tree tree, std::string_view path) const override;
  std::vector<std::string> list(Tree tree) const override;

 private:
  std::map<std::pair<Tree, std::string>, std::string, std::less<>> files_;
};

// Wraps an in-memory string as a stream (shared by blob sources and tests).
std::unique_ptr<ByteStream> stream_over(std::string content);

}  // namespace gate
