#include "rules/model/tar_walker.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

#include "rules/model/zip_archive.hpp"

namespace gate::rules::model {

namespace {

constexpr size_t kBlock = 512;

std::optional<uint64_t> octal(std::string_view field) {
  if (!field.empty() && (static_cast<unsigned char>(field[0]) & 0x80)) {
    uint64_t value = 0;  // GNU base-256 for sizes of 8 GiB and more
    for (size_t i = 1; i < field.size(); ++i) {
      if (value >> 56) return std::nullopt;
      value = (value << 8) | static_cast<unsigned char>(field[i]);
    }
    return value;
  }
  uint64_t value = 0;
  size_t i = 0;
  while (i < field.size() && field[i] == ' ') ++i;
  bool digits = false;
  for (; i < field.size() && field[i] >= '0' && field[i] <= '7'; ++i) {
    if (value >> 60) return std::nullopt;
    value = value * 8 + static_cast<uint64_t>(field[i] - '0');
    digits = true;
  }
  for (; i < field.size(); ++i) {
    if (field[i] != ' ' && field[i] != '\0') return std::nullopt;
  }
  if (!digits) return std::nullopt;
  return value;
}

bool checksum_ok(std::string_view block) {
  auto stored = octal(block.substr(148, 8));
  if (!stored) return false;
  uint64_t sum = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(block[i]);
  }
  return sum == *stored;
}

std::string field_text(std::string_view field) {
  return std::string(field.substr(0, std::min(field.size(), field.find('\0'))));
}

class MemberStream : public ByteStream {
 public:
  MemberStream(ByteReader& in, uint64_t size) : in_(in), size_(size) {}
  size_t read(char* buffer, size_t size) override {
    size_t want = static_cast<size_t>(std::min<uint64_t>(size, size_ - done_));
    if (want == 0) return 0;
    size_t got = in_.read_some(buffer, want);
    done_ += got;
    return got;
  }
  uint64_t total_size() const override { return size_; }
  uint64_t done() const { return done_; }

 private:
  ByteReader& in_;
  uint64_t size_;
  uint64_t done_ = 0;
};

// The `path` record of a PAX extended header ("<length> path=<name>\n" records), if any.
std::optional<std::string> pax_path(std::string_view records) {
  std::optional<std::string> path;
  while (!records.empty()) {
    size_t space = records.find(' ');
    if (space == std::string_view::npos) break;
    uint64_t length = 0;
    for (char c : records.substr(0, space)) {
      if (c < '0' || c > '9' || length > records.size()) return path;
      length = length * 10 + static_cast<uint64_t>(c - '0');
    }
    if (length <= space + 1 || length > records.size()) break;
    std::string_view record = records.substr(space + 1, length - space - 2);
    if (record.substr(0, 5) == "path=") path = std::string(record.substr(5));
    records.remove_prefix(length);
  }
  return path;
}

}  // namespace

bool looks_like_tar(std::string_view first_block) {
  if (first_block.size() < kBlock) return false;
  // A pre-POSIX (v7) header has no magic: its checksum and a name are what tarfile checks.
  std::string_view block = first_block.substr(0, kBlock);
  if (block[0] == '\0' || !checksum_ok(block)) return false;
  return octal(block.substr(124, 12)).has_value();
}

ScanIssues walk_tar(ByteReader& in, const TarVisitor& visit) {
  ScanIssues issues;
  std::string block(kBlock, '\0');
  std::string long_name;
  while (true) {
    if (!in.read_exact(block.data(), kBlock)) {
      issues.push_back(
          {true, "tar: archive ends without its end-of-archive blocks", "tar:truncated"});
      return issues;
    }
    if (block.find_first_not_of('\0') == std::string::npos) return issues;  // end of archive
    if (!checksum_ok(block)) {
      issues.push_back(
          {true, "tar: header checksum mismatch at offset " + std::to_string(in.offset() - kBlock),
           "tar:checksum"});
      return issues;
    }
    auto size = octal(std::string_view(block).substr(124, 12));
    if (!size) {
      issues.push_back({true, "tar: bad size field", "tar:size"});
      return issues;
    }
    char type = block[156];
    std::string name = field_text(std::string_view(block).substr(0, 100));
    std::string prefix = field_text(std::string_view(block).substr(345, 155));
    if (block.substr(257, 5) == "ustar" && !prefix.empty()) name = prefix + "/" + name;
    if (!long_name.empty()) {
      name = long_name;
      long_name.clear();
    }
    uint64_t padded = (*size + kBlock - 1) / kBlock * kBlock;
    if ((type == 'L' || type == 'x') && *size <= 1024 * 1024) {
      // GNU long name, or a PAX header whose `path` renames the next member (tarfile reads both).
      std::string text(*size, '\0');
      if (!in.read_exact(text.data(), *size)) break;
      in.skip(padded - *size);
      if (type == 'L') {
        long_name = field_text(text);
      } else if (auto path = pax_path(text)) {
        long_name = *path;
      }
      continue;
    }
    if (type == '1' || type == '2') {
      // Hard and symbolic links: tarfile.extractfile reads the target's bytes, which are walked
      // as a member of their own; a target outside the archive is refused like a bad name.
      std::string target = field_text(std::string_view(block).substr(157, 100));
      size_t slash = name.rfind('/');
      std::string resolved =
          (type == '2' && slash != std::string::npos) ? name.substr(0, slash + 1) + target : target;
      if (zip_name_escapes(resolved)) {
        issues.push_back(
            {true, "tar: member '" + name + "' links to '" + target + "', outside the archive",
             "tar:link-escapes:" + name});
      }
    }
    if (type == '0' || type == '\0') {
      if (zip_name_escapes(name)) {
        issues.push_back({true, "tar: member name '" + name + "' escapes the archive folder",
                          "tar:traversal:" + name});
      }
      MemberStream content(in, *size);
      visit(name, *size, content);
      uint64_t rest = padded - content.done();
      if (in.skip(rest) != rest) break;
    } else if (in.skip(padded) != padded) {
      break;
    }
  }
  issues.push_back({true, "tar: member data is truncated", "tar:truncated"});
  return issues;
}

}  // namespace gate::rules::model
