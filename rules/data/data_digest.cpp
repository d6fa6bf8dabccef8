#include "rules/data/data_digest.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>

#include <openssl/evp.h>

#include "gate/types/errors.hpp"

namespace gate::data {

namespace {

struct EvpDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using EvpContext = std::unique_ptr<EVP_MD_CTX, EvpDeleter>;

EvpContext new_md5() {
  EvpContext context(EVP_MD_CTX_new());
  if (!context || EVP_DigestInit_ex(context.get(), EVP_md5(), nullptr) != 1) {
    throw RuleError("data-manifest: MD5 is not available from OpenSSL");
  }
  return context;
}

std::string hex_of(EVP_MD_CTX* context) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context, digest, &length);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

class WorkspaceFile : public ByteStream {
 public:
  WorkspaceFile(std::unique_ptr<std::FILE, FileCloser> file, uint64_t size, std::string name)
      : file_(std::move(file)), size_(size), name_(std::move(name)) {}
  size_t read(char* buffer, size_t size) override {
    size_t n = std::fread(buffer, 1, size, file_.get());
    if (n == 0 && std::ferror(file_.get())) throw RuleError("cannot read " + name_);
    return n;
  }
  uint64_t total_size() const override { return size_; }

 private:
  std::unique_ptr<std::FILE, FileCloser> file_;
  uint64_t size_;
  std::string name_;
};

}  // namespace

// DVC 2 read text files in chunks of 1 MiB and replaced CRLF with LF inside each chunk
// (dos2unix per read), so a CR ending one chunk and the LF starting the next both stay.
constexpr size_t kDvcChunk = size_t{1} << 20;

void update_dos2unix(EVP_MD_CTX* context, const char* data, size_t size, std::string& out) {
  out.clear();
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '\r' && i + 1 < size && data[i + 1] == '\n') continue;
    out += data[i];
  }
  EVP_DigestUpdate(context, out.data(), out.size());
}

// DVC's istextblock: the bytes it counts as text are printable ASCII and \n \r \t \f \b.
bool text_block(const char* data, size_t size) {
  size_t odd = 0;
  for (size_t i = 0; i < size; ++i) {
    auto c = static_cast<unsigned char>(data[i]);
    if (c == 0) return false;
    bool plain =
        (c >= 32 && c < 127) || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\b';
    if (!plain) ++odd;
  }
  return size == 0 || static_cast<double>(odd) / static_cast<double>(size) <= 0.30;
}

DataDigest digest_stream(ByteStream& stream) {
  EvpContext raw = new_md5();
  EvpContext lf = new_md5();
  DataDigest digest;
  std::unique_ptr<char[]> chunk = std::make_unique<char[]>(kDvcChunk);
  std::string normalized;
  for (;;) {
    // A whole chunk, as Python's file.read(1 MiB) returns it (streams may return less a call).
    size_t filled = 0;
    while (filled < kDvcChunk) {
      size_t n = stream.read(chunk.get() + filled, kDvcChunk - filled);
      if (n == 0) break;
      filled += n;
    }
    if (filled == 0) break;
    if (digest.size == 0) digest.text = text_block(chunk.get(), std::min<size_t>(filled, 512));
    digest.size += filled;
    EVP_DigestUpdate(raw.get(), chunk.get(), filled);
    update_dos2unix(lf.get(), chunk.get(), filled, normalized);
    if (filled < kDvcChunk) break;
  }
  digest.md5 = hex_of(raw.get());
  digest.md5_lf = hex_of(lf.get());
  return digest;
}

std::unique_ptr<ByteStream> open_workspace_file(const std::filesystem::path& root,
                                                const std::string& relative) {
  std::filesystem::path path = root / relative;
  std::error_code error;
  // Every component, not just the last, must be a real folder: no symlinked parent either.
  std::filesystem::path walk = root;
  for (const auto& part : std::filesystem::path(relative)) {
    walk /= part;
    auto status = std::filesystem::symlink_status(walk, error);
    if (error || std::filesystem::is_symlink(status)) return nullptr;
  }
  auto status = std::filesystem::symlink_status(path, error);
  if (error || !std::filesystem::is_regular_file(status)) return nullptr;
  uint64_t size = std::filesystem::file_size(path, error);
  if (error) return nullptr;
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) throw RuleError("cannot open " + path.string());
  return std::make_unique<WorkspaceFile>(std::move(file), size, path.string());
}

std::optional<std::vector<std::string>> list_workspace_folder(const std::filesystem::path& root,
                                                              const std::string& relative,
                                                              size_t limit) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path walk = root;
  for (const auto& part : fs::path(relative)) {
    walk /= part;
    auto status = fs::symlink_status(walk, error);
    if (error || fs::is_symlink(status)) return std::nullopt;
  }
  if (!fs::is_directory(fs::symlink_status(walk, error)) || error) return std::nullopt;
  std::vector<std::string> files;
  fs::recursive_directory_iterator it(walk, fs::directory_options::none, error);
  if (error) throw RuleError("cannot list " + walk.string() + ": " + error.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (error) throw RuleError("cannot list " + walk.string() + ": " + error.message());
    auto status = it->symlink_status(error);
    if (error || !fs::is_regular_file(status)) continue;
    if (files.size() >= limit) {
      throw RuleError(walk.string() + " holds more than " + std::to_string(limit) + " files");
    }
    files.push_back(it->path().lexically_relative(walk).generic_string());
  }
  if (error) throw RuleError("cannot list " + walk.string() + ": " + error.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace gate::data
