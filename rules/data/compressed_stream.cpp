#include "rules/data/compressed_stream.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cctype>
#include <vector>

#include "gate/types/errors.hpp"

namespace gate::data {

namespace {

bool ends_with_nocase(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  std::string_view tail = text.substr(text.size() - suffix.size());
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(tail[i])) != suffix[i]) return false;
  }
  return true;
}

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};

// libarchive pulls the compressed bytes through this callback, one buffer at a time.
class ArchiveStream : public ByteStream {
 public:
  ArchiveStream(std::unique_ptr<ByteStream> source, Compression compression, std::string path,
                uint64_t max_bytes)
      : source_(std::move(source)),
        path_(std::move(path)),
        max_bytes_(max_bytes),
        input_(64 * 1024),
        archive_(archive_read_new()) {
    if (!archive_) throw RuleError("cannot start decompressing " + path_ + ": out of memory");
    archive* a = archive_.get();
    if (compression == Compression::zip) {
      archive_read_support_format_zip(a);
    } else {
      archive_read_support_format_raw(a);
      archive_read_support_filter_gzip(a);
      archive_read_support_filter_bzip2(a);
      archive_read_support_filter_xz(a);
    }
    if (archive_read_open(a, this, nullptr, &ArchiveStream::pull, nullptr) != ARCHIVE_OK) {
      fail("cannot open");
    }
    archive_entry* entry = nullptr;
    int status = archive_read_next_header(a, &entry);
    if (status == ARCHIVE_EOF) {
      done_ = true;  // an empty archive: no bytes
    } else if (status != ARCHIVE_OK && status != ARCHIVE_WARN) {
      fail("cannot read");
    }
  }

  size_t read(char* buffer, size_t size) override {
    if (done_ || size == 0) return 0;
    if (produced_ >= max_bytes_) {
      throw RuleError(path_ + ": decompresses to more than " + std::to_string(max_bytes_) +
                      " bytes; not read further");
    }
    size = static_cast<size_t>(std::min<uint64_t>(size, max_bytes_ - produced_));
    la_ssize_t n = archive_read_data(archive_.get(), buffer, size);
    if (n < 0) fail("corrupt compressed data in");
    if (n == 0) done_ = true;
    produced_ += static_cast<uint64_t>(n);
    return static_cast<size_t>(n);
  }
  uint64_t total_size() const override { return source_->total_size(); }

 private:
  static la_ssize_t pull(archive*, void* self, const void** buffer) {
    auto* stream = static_cast<ArchiveStream*>(self);
    size_t n = stream->source_->read(stream->input_.data(), stream->input_.size());
    *buffer = stream->input_.data();
    return static_cast<la_ssize_t>(n);
  }

  [[noreturn]] void fail(const char* what) {
    const char* reason = archive_error_string(archive_.get());
    throw RuleError(std::string(what) + " " + path_ + ": " + (reason ? reason : "unknown error"));
  }

  std::unique_ptr<ByteStream> source_;
  std::string path_;
  uint64_t max_bytes_;
  uint64_t produced_ = 0;
  bool done_ = false;
  std::vector<char> input_;
  std::unique_ptr<archive, ArchiveCloser> archive_;
};

}  // namespace

Compression compression_of(std::string_view path) {
  if (ends_with_nocase(path, ".gz")) return Compression::gzip;
  if (ends_with_nocase(path, ".bz2")) return Compression::bzip2;
  if (ends_with_nocase(path, ".xz")) return Compression::xz;
  if (ends_with_nocase(path, ".zip")) return Compression::zip;
  return Compression::none;
}

std::optional<Compression> compression_named(std::string_view name) {
  if (name == "gz" || name == "gzip") return Compression::gzip;
  if (name == "bz2" || name == "bzip2") return Compression::bzip2;
  if (name == "xz") return Compression::xz;
  if (name == "zip") return Compression::zip;
  if (name == "no" || name.empty()) return Compression::none;
  return std::nullopt;
}

std::string_view without_compression(std::string_view path) {
  switch (compression_of(path)) {
    case Compression::gzip:
    case Compression::xz:
      return path.substr(0, path.size() - 3);
    case Compression::bzip2:
    case Compression::zip:
      return path.substr(0, path.size() - 4);
    case Compression::none:
      break;
  }
  return path;
}

std::unique_ptr<ByteStream> open_decompressed(std::unique_ptr<ByteStream> compressed,
                                              Compression compression, const std::string& path,
                                              uint64_t max_bytes) {
  if (compression == Compression::none) return compressed;
  return std::make_unique<ArchiveStream>(std::move(compressed), compression, path, max_bytes);
}

}  // namespace gate::data
