#include "rules/code/secrets/prefilter_cache.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include "gate/types/atomic_write.hpp"
#include "gate/types/errors.hpp"
#include "gate/types/redact.hpp"

namespace gate::secrets {

namespace {

constexpr std::string_view kMagic = "gate-hsdb-v1\n";
constexpr size_t kDigestBytes = 32;
constexpr uint64_t kMaxFileBytes = 512ull << 20;

std::string raw_sha256(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

void put_u64(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

// Reads little-endian integers and byte strings from a buffer, failing on any overrun.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool u64(uint64_t& value) {
    if (bytes_.size() - at_ < 8) return false;
    value = 0;
    for (int i = 0; i < 8; ++i) {
      value |= static_cast<uint64_t>(static_cast<unsigned char>(bytes_[at_ + i])) << (8 * i);
    }
    at_ += 8;
    return true;
  }
  bool bytes(uint64_t length, std::string& out) {
    if (length > bytes_.size() - at_) return false;
    out.assign(bytes_.substr(at_, length));
    at_ += length;
    return true;
  }
  bool done() const { return at_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  size_t at_ = 0;
};

std::string platform_description() {
  std::string out = hs_version();
  hs_platform_info_t platform{};
  if (hs_populate_platform(&platform) == HS_SUCCESS) {
    out += ":" + std::to_string(platform.tune) + ":" + std::to_string(platform.cpu_features);
  }
  return out;
}

std::mutex& cache_dir_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::optional<std::filesystem::path>& configured_cache_dir() {
  static std::optional<std::filesystem::path> dir;
  return dir;
}

}  // namespace

void set_pattern_cache_dir(std::optional<std::filesystem::path> dir) {
  std::lock_guard lock(cache_dir_mutex());
  configured_cache_dir() = std::move(dir);
}

std::optional<std::filesystem::path> pattern_cache_dir() {
  std::lock_guard lock(cache_dir_mutex());
  return configured_cache_dir();
}

std::optional<std::filesystem::path> default_pattern_cache_dir(
    const std::function<std::optional<std::string>(const std::string&)>& env) {
  if (auto xdg = env("XDG_CACHE_HOME"); xdg && !xdg->empty()) {
    return std::filesystem::path(*xdg) / "gate" / "secrets";
  }
  if (auto home = env("HOME"); home && !home->empty()) {
    return std::filesystem::path(*home) / ".cache" / "gate" / "secrets";
  }
  return std::nullopt;
}

std::string database_key(const std::vector<const char*>& expressions,
                         const std::vector<unsigned>& flags, const std::vector<unsigned>& ids) {
  std::string input = platform_description();
  input += '\0';
  for (size_t i = 0; i < expressions.size(); ++i) {
    const size_t length = std::strlen(expressions[i]);
    put_u64(input, ids[i]);
    put_u64(input, flags[i]);
    put_u64(input, length);
    input.append(expressions[i], length);
  }
  return sha256_hex(input);
}

std::string encode_cached_database(const CachedDatabase& entry) {
  std::string out(kMagic);
  put_u64(out, entry.key.size());
  out += entry.key;
  put_u64(out, entry.rejected.size());
  for (const auto& [id, reason] : entry.rejected) {
    put_u64(out, id);
    put_u64(out, reason.size());
    out += reason;
  }
  put_u64(out, entry.serialized.size());
  out += entry.serialized;
  out += raw_sha256(out);
  return out;
}

std::optional<CachedDatabase> decode_cached_database(std::string_view bytes,
                                                     const std::string& expected_key,
                                                     std::string& why_not) {
  if (bytes.size() < kMagic.size() + kDigestBytes || bytes.substr(0, kMagic.size()) != kMagic) {
    why_not = "not a Gate database file";
    return std::nullopt;
  }
  std::string_view body = bytes.substr(0, bytes.size() - kDigestBytes);
  if (raw_sha256(body) != bytes.substr(bytes.size() - kDigestBytes)) {
    why_not = "checksum mismatch (truncated or corrupt)";
    return std::nullopt;
  }
  Reader reader(body.substr(kMagic.size()));
  CachedDatabase entry;
  uint64_t length = 0, count = 0;
  if (!reader.u64(length) || !reader.bytes(length, entry.key) || !reader.u64(count)) {
    why_not = "malformed header";
    return std::nullopt;
  }
  if (entry.key != expected_key) {
    why_not = "compiled from other patterns";
    return std::nullopt;
  }
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t id = 0;
    std::string reason;
    if (!reader.u64(id) || !reader.u64(length) || !reader.bytes(length, reason) ||
        id > 0xffffffffu) {
      why_not = "malformed rejection list";
      return std::nullopt;
    }
    entry.rejected.emplace_back(static_cast<unsigned>(id), std::move(reason));
  }
  if (!reader.u64(length) || !reader.bytes(length, entry.serialized) || !reader.done()) {
    why_not = "malformed database section";
    return std::nullopt;
  }
  return entry;
}

std::optional<CachedDatabase> load_cached_database(const std::filesystem::path& dir,
                                                   const std::string& key) {
  const std::filesystem::path path = dir / (key + ".hsdb");
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return std::nullopt;  // not cached yet
  struct Close {
    int fd;
    ~Close() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  auto ignore = [&](const std::string& why) -> std::optional<CachedDatabase> {
    spdlog::warn("secrets: ignoring cached pattern database {}: {}; recompiling", path.string(),
                 why);
    return std::nullopt;
  };
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) return ignore("not a regular file");
  if (info.st_uid != ::geteuid()) return ignore("owned by another user");
  if ((info.st_mode & 022) != 0) return ignore("writable by group or others");
  if (static_cast<uint64_t>(info.st_size) > kMaxFileBytes) return ignore("too large");
  std::string bytes(static_cast<size_t>(info.st_size), '\0');
  size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n <= 0) return ignore("read failed");
    got += static_cast<size_t>(n);
  }
  std::string why_not;
  auto entry = decode_cached_database(bytes, key, why_not);
  if (!entry) return ignore(why_not);
  return entry;
}

void store_cached_database(const std::filesystem::path& dir, const CachedDatabase& entry) {
  try {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
      spdlog::warn("secrets: cannot create pattern cache {}: {}", dir.string(), error.message());
      return;
    }
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, error);
    write_file_atomically((dir / (entry.key + ".hsdb")).string(), encode_cached_database(entry),
                          0600);
  } catch (const std::exception& e) {
    spdlog::warn("secrets: cannot write pattern cache in {}: {}", dir.string(), e.what());
  }
}

}  // namespace gate::secrets
