#include "gate/types/blob_source.hpp"

#include <algorithm>
#include <cstring>

#include "gate/types/errors.hpp"

namespace gate {

namespace {
class StringStream : public ByteStream {
 public:
  explicit StringStream(std::string content) : content_(std::move(content)) {}
  size_t read(char* buffer, size_t size) override {
    size_t n = std::min(size, content_.size() - offset_);
    std::memcpy(buffer, content_.data() + offset_, n);
    offset_ += n;
    return n;
  }
  uint64_t total_size() const override { return content_.size(); }

 private:
  std::string content_;
  size_t offset_ = 0;
};
}  // namespace

std::unique_ptr<ByteStream> stream_over(std::string content) {
  return std::make_unique<StringStream>(std::move(content));
}

void MemoryBlobSource::put(Tree tree, std::string path, std::string content) {
  files_[{tree, std::move(path)}] = std::move(content);
}

std::optional<std::string> MemoryBlobSource::read(Tree tree, std::string_view path,
                                                  uint64_t max_bytes) const {
  auto it = files_.find(std::make_pair(tree, std::string(path)));
  if (it == files_.end()) return std::nullopt;
  if (it->second.size() > max_bytes) {
    throw RuleError(std::string(path) + ": " + std::to_string(it->second.size()) +
                    " bytes exceeds the read limit of " + std::to_string(max_bytes));
  }
  return it->second;
}

std::unique_ptr<ByteStream> MemoryBlobSource::open(Tree tree, std::string_view path) const {
  auto it = files_.find(std::make_pair(tree, std::string(path)));
  if (it == files_.end()) return nullptr;
  return stream_over(it->second);
}

std::optional<uint64_t> MemoryBlobSource::size(Tree tree, std::string_view path) const {
  auto it = files_.find(std::make_pair(tree, std::string(path)));
  if (it == files_.end()) return std::nullopt;
  return it->second.size();
}

std::vector<std::string> MemoryBlobSource::list(Tree tree) const {
  std::vector<std::string> paths;
  for (const auto& [key, content] : files_) {
    if (key.first == tree) paths.push_back(key.second);
  }
  return paths;  // map order is already sorted by (tree, path)
}

}  // namespace gate
