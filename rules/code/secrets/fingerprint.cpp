#include "rules/code/secrets/fingerprint.hpp"

#include <fcntl.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "gate/types/atomic_write.hpp"
#include "gate/types/errors.hpp"

namespace gate::secrets {

namespace {

constexpr size_t kMinKeyBytes = 16;
constexpr size_t kKeyBytes = 32;
constexpr const char* kKeyVariable = "GATE_SECRETS_FINGERPRINT_KEY";

std::string hex(const unsigned char* bytes, size_t length) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (size_t i = 0; i < length; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0xf];
  }
  return out;
}

std::string random_key() {
  unsigned char bytes[kKeyBytes];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    throw RuleError("secrets: the system random generator failed (fingerprint key)");
  }
  return hex(bytes, sizeof bytes);
}

std::optional<std::string> read_small_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

// A key file is used only when nobody else could have written or read it.
std::optional<std::string> read_key_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat info {};
  const bool stat_ok = ::fstat(fd, &info) == 0;
  ::close(fd);
  if (!stat_ok || !S_ISREG(info.st_mode) || info.st_uid != ::geteuid() ||
      (info.st_mode & 077) != 0) {
    throw InputError(path.string(), 0, 0,
                     "secrets fingerprint key must be a regular file of yours with mode 0600",
                     "chmod 600 it, or delete it to have Gate create a new one (fingerprints "
                     "in waivers then change)");
  }
  std::string key = trimmed(read_small_file(path).value_or(""));
  if (key.size() != 2 * kKeyBytes || key.find_first_not_of("0123456789abcdef") != key.npos) {
    throw InputError(path.string(), 1, 1, "secrets fingerprint key is not 64 hex digits",
                     "delete it to have Gate create a new one");
  }
  return key;
}

FingerprintKey repository_key(const std::filesystem::path& git_dir) {
  const std::filesystem::path path = git_dir / "gate" / "secrets-fingerprint.key";
  if (auto key = read_key_file(path)) return {*key, path.string()};
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  try {
    write_file_atomically(path.string(), random_key() + "\n", 0600, /*overwrite=*/false);
    spdlog::debug(
        "secrets: created fingerprint key {} (set {} in CI for fingerprints that are "
        "the same on every runner)",
        path.string(), kKeyVariable);
  } catch (const InputError&) {
    // Created by a concurrent run in the meantime: read theirs below.
  }
  if (auto key = read_key_file(path)) return {*key, path.string()};
  throw InputError(path.string(), 0, 0, "cannot create the secrets fingerprint key",
                   "make the git directory writable or set " + std::string(kKeyVariable));
}

}  // namespace

std::optional<std::filesystem::path> git_dir_of(const std::filesystem::path& workdir) {
  const std::filesystem::path dot_git = workdir / ".git";
  std::error_code error;
  std::filesystem::path dir;
  if (std::filesystem::is_directory(dot_git, error)) {
    dir = dot_git;
  } else if (std::filesystem::is_regular_file(dot_git, error)) {
    std::string text = trimmed(read_small_file(dot_git).value_or(""));
    if (text.rfind("gitdir: ", 0) != 0) return std::nullopt;
    dir = std::filesystem::path(text.substr(8));
    if (dir.is_relative()) dir = workdir / dir;
  } else {
    return std::nullopt;
  }
  // A linked worktree shares the key and the cache of its main repository.
  if (auto common = read_small_file(dir / "commondir")) {
    std::filesystem::path common_dir = trimmed(*common);
    dir = common_dir.is_relative() ? dir / common_dir : common_dir;
  }
  return std::filesystem::weakly_canonical(dir, error);
}

const FingerprintKey& fingerprint_key(const std::optional<std::filesystem::path>& workdir) {
  static std::mutex mutex;
  static std::map<std::string, FingerprintKey> keys;  // by git dir ("" for none)
  std::lock_guard lock(mutex);
  if (const char* value = std::getenv(kKeyVariable); value && *value) {
    if (std::strlen(value) < kMinKeyBytes) {
      throw InputError(kKeyVariable, 0, 0,
                       "is shorter than " + std::to_string(kMinKeyBytes) + " bytes",
                       "use a random value, e.g. `openssl rand -hex 32`, as a masked CI secret");
    }
    const std::string slot = std::string("env:") + value;
    auto it = keys.find(slot);
    if (it == keys.end()) it = keys.emplace(slot, FingerprintKey{value, kKeyVariable}).first;
    return it->second;
  }
  std::optional<std::filesystem::path> git_dir;
  if (workdir) git_dir = git_dir_of(*workdir);
  const std::string slot = git_dir ? git_dir->string() : "";
  auto it = keys.find(slot);
  if (it != keys.end()) return it->second;
  if (git_dir) return keys.emplace(slot, repository_key(*git_dir)).first->second;
  spdlog::warn("secrets: no repository and no {}: fingerprints of secrets differ between runs",
               kKeyVariable);
  return keys.emplace(slot, FingerprintKey{random_key(), "this process"}).first->second;
}

std::string secret_fingerprint_basis(const FingerprintKey& key, std::string_view format_id,
                                     std::string_view secret) {
  std::string message(format_id);
  message += '\0';
  message.append(secret.data(), secret.size());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.bytes.data(), static_cast<int>(key.bytes.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return "hmac-sha256:" + hex(digest, length);
}

std::optional<std::filesystem::path> pattern_cache_dir(
    const std::optional<std::filesystem::path>& workdir) {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::filesystem::path(xdg) / "gate" / "secrets";
  }
  if (workdir) {
    if (auto git_dir = git_dir_of(*workdir)) return *git_dir / "gate" / "cache" / "secrets";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".cache" / "gate" / "secrets";
  }
  return std::nullopt;
}

}  // namespace gate::secrets
