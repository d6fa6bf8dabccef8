#pragma once

#include <hs/hs.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gate::secrets {

// Compiled Vectorscan databases on disk, so a large rule set (gitleaks' default configuration
// takes over a second to compile) is compiled once per content, not once per run.
//
// A file is named by the SHA-256 of everything the compilation depends on (Vectorscan version,
// the CPU features it targets, every expression with its flags and id), and holds that key, the
// patterns Vectorscan rejected, the hs_serialize_database() bytes and a SHA-256 of all of it.
// A file is used only when it is a regular file owned by the current user and writable by no
// one else, its checksum and key match, and Vectorscan deserializes it for this platform;
// anything else (truncated, corrupt, foreign, planted by another user) is ignored with a log
// line and the database is recompiled and the file rewritten atomically.
struct CachedDatabase {
  std::string key;                                         // hex SHA-256, the file name
  std::vector<std::pair<unsigned, std::string>> rejected;  // pattern id, Vectorscan's reason
  std::string serialized;                                  // hs_serialize_database() bytes
};

// The folder of compiled databases for this process. The gather step sets it (`gate check` from
// the environment, see default_pattern_cache_dir) before any rule runs, so rules read no
// environment; unset (the default, e.g. in tests) databases are compiled and kept in memory.
void set_pattern_cache_dir(std::optional<std::filesystem::path> dir);
std::optional<std::filesystem::path> pattern_cache_dir();

// $XDG_CACHE_HOME/gate/secrets, else $HOME/.cache/gate/secrets, else nullopt.
std::optional<std::filesystem::path> default_pattern_cache_dir(
    const std::function<std::optional<std::string>(const std::string&)>& env);

// The key of a compilation (hex SHA-256).
std::string database_key(const std::vector<const char*>& expressions,
                         const std::vector<unsigned>& flags, const std::vector<unsigned>& ids);

// The cached entry for `key` in `dir`, or nullopt (absent, or failed a check: logged).
std::optional<CachedDatabase> load_cached_database(const std::filesystem::path& dir,
                                                   const std::string& key);

// Writes the entry (creating `dir` with mode 0700); a failure is logged, never fatal.
void store_cached_database(const std::filesystem::path& dir, const CachedDatabase& entry);

// Serialized form of a database file (exposed for the hostile-input tests and the fuzzer).
std::string encode_cached_database(const CachedDatabase& entry);
std::optional<CachedDatabase> decode_cached_database(std::string_view bytes,
                                                     const std::string& expected_key,
                                                     std::string& why_not);

}  // namespace gate::secrets
