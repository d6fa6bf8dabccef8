#include "attest/remote_state.hpp"

#include <git2.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gate/types/atomic_write.hpp"
#include "gate/types/errors.hpp"

namespace gate::attest {

namespace {

std::string file_name_for(const std::string& origin) {
  std::string name;
  // Never "", "." or "..", nor a hidden file.
  if (origin.empty() || origin[0] == '.') name.push_back('_');
  for (char c : origin) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-';
    name.push_back(safe ? c : '_');
  }
  return name;
}

}  // namespace

std::string kept_checkpoint_path(const std::string& explicit_file, const std::string& repository,
                                 const std::string& origin) {
  if (!explicit_file.empty()) return explicit_file;
  if (const char* env = std::getenv("GATE_LOG_STATE"); env && *env) return env;
  git_buf buffer = GIT_BUF_INIT;
  int code = git_repository_discover(&buffer, repository.c_str(), 0, nullptr);
  std::string git_dir = code == 0 && buffer.ptr ? std::string(buffer.ptr, buffer.size) : "";
  git_buf_dispose(&buffer);
  if (git_dir.empty()) {
    throw InputError(
        "no place to keep the remote log's checkpoint: no git repository at " + repository,
        "pass --log-state FILE or set GATE_LOG_STATE (the client keeps the last "
        "checkpoint it verified there, to catch a rollback or fork next time)");
  }
  return (std::filesystem::path(git_dir) / "gate" / "remote-checkpoints" / file_name_for(origin))
      .string();
}

std::optional<std::string> read_kept_checkpoint(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error) && !error) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (error || !in) {
    throw InputError(path, 0, 0, "cannot read the kept checkpoint",
                     "check the file's permissions (--log-state, GATE_LOG_STATE)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void keep_checkpoint(const std::string& path, const std::string& note) {
  std::filesystem::path folder = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (!folder.empty()) std::filesystem::create_directories(folder, error);
  if (error) {
    throw InputError(folder.string(), 0, 0,
                     "cannot create the folder for the kept checkpoint: " + error.message());
  }
  write_file_atomically(path, note);
}

}  // namespace gate::attest
