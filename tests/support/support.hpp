#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace gate::test {

// A temporary folder removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs a program without a shell (arguments are passed as they are), with extra environment
// variables and optional standard input; captures stdout and stderr.
RunResult run(const std::vector<std::string>& argv,
              const std::map<std::string, std::string>& env = {},
              const std::filesystem::path& cwd = {}, const std::string& stdin_data = {});

// Runs the built `gate` binary. CI variables of the calling environment are cleared so tests
// see a local run unless they set them.
RunResult run_gate(const std::vector<std::string>& args,
                   const std::map<std::string, std::string>& env = {},
                   const std::filesystem::path& cwd = {});

void write_file(const std::filesystem::path& path, const std::string& content);
std::string read_file(const std::filesystem::path& path);

// A real git repository in a temp folder, driven through the git CLI.
class GitRepo {
 public:
  GitRepo();  // `git init -b main` with a fixed identity
  const std::filesystem::path& path() const { return dir_.path(); }
  std::string dir() const { return dir_.path().string(); }

  void write(const std::string& relative, const std::string& content);
  void remove(const std::string& relative);
  // Runs git in the repository; throws with git's stderr when it fails. Returns stdout trimmed.
  std::string git(const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env = {});
  // `git add -A && git commit`; returns the new commit id.
  std::string commit(const std::string& message,
                     const std::map<std::string, std::string>& env = {});
  std::string head();
  void branch(const std::string& name);  // create and switch
  void checkout(const std::string& name);

 private:
  TempDir dir_;
};

}  // namespace gate::test
