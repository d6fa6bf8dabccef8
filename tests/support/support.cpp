#include "tests/support/support.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace gate::test {

TempDir::TempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "gate-test-XXXXXX").string();
  if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

namespace {

void drain(int out_fd, int err_fd, int in_fd, const std::string& input, RunResult& result) {
  size_t written = 0;
  if (in_fd >= 0 && input.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  char buffer[65536];
  while (out_fd >= 0 || err_fd >= 0) {
    pollfd fds[3];
    int n = 0;
    if (out_fd >= 0) fds[n++] = {out_fd, POLLIN, 0};
    if (err_fd >= 0) fds[n++] = {err_fd, POLLIN, 0};
    if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
    if (poll(fds, n, -1) < 0) break;
    for (int i = 0; i < n; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == in_fd) {
        ssize_t w = write(in_fd, input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if (w < 0 || written == input.size()) {
          close(in_fd);
          in_fd = -1;
        }
        continue;
      }
      ssize_t r = read(fds[i].fd, buffer, sizeof buffer);
      if (r <= 0) {
        close(fds[i].fd);
        if (fds[i].fd == out_fd)
          out_fd = -1;
        else
          err_fd = -1;
      } else if (fds[i].fd == out_fd) {
        result.out.append(buffer, static_cast<size_t>(r));
      } else {
        result.err.append(buffer, static_cast<size_t>(r));
      }
    }
  }
  if (in_fd >= 0) close(in_fd);
}

}  // namespace

RunResult run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
              const std::filesystem::path& cwd, const std::string& stdin_data) {
  int out_pipe[2], err_pipe[2], in_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC) || pipe2(in_pipe, O_CLOEXEC)) {
    throw std::runtime_error("pipe failed");
  }
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string::npos) merged[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [key, value] : env) {
    if (value == "\x01unset")
      merged.erase(key);
    else
      merged[key] = value;
  }
  std::vector<std::string> env_strings;
  for (const auto& [key, value] : merged) env_strings.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& a : args) argp.push_back(a.data());
  argp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  RunResult result;
  if (rc != 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
  }
  drain(out_pipe[0], err_pipe[0], in_pipe[1], stdin_data, result);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

RunResult run_gate(const std::vector<std::string>& args,
                   const std::map<std::string, std::string>& env,
                   const std::filesystem::path& cwd) {
  std::map<std::string, std::string> clean = {{"GITHUB_ACTIONS", "\x01unset"},
                                              {"GITLAB_CI", "\x01unset"},
                                              {"CI", "\x01unset"},
                                              {"GITHUB_EVENT_PATH", "\x01unset"},
                                              {"GITHUB_STEP_SUMMARY", "\x01unset"},
                                              {"GITHUB_OUTPUT", "\x01unset"},
                                              {"GATE_LOG", "\x01unset"},
                                              {"GATE_SIGNING_KEY", "\x01unset"},
                                              {"NO_COLOR", "1"}};
  for (const auto& [key, value] : env) clean[key] = value;
  std::vector<std::string> argv = {GATE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, clean, cwd);
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

GitRepo::GitRepo() {
  git({"init", "-q", "-b", "main"});
  git({"config", "user.name", "Ada Lovelace"});
  git({"config", "user.email", "ada@example.com"});
  git({"config", "commit.gpgsign", "false"});
  git({"config", "core.quotepath", "false"});
}

void GitRepo::write(const std::string& relative, const std::string& content) {
  write_file(dir_.path() / relative, content);
}

void GitRepo::remove(const std::string& relative) {
  std::filesystem::remove(dir_.path() / relative);
}

std::string GitRepo::git(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = {"git", "-C", dir_.path().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::map<std::string, std::string> fixed = {{"GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z"},
                                              {"GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z"},
                                              {"GIT_CONFIG_NOSYSTEM", "1"},
                                              {"HOME", dir_.path().string()}};
  for (const auto& [key, value] : env) fixed[key] = value;
  RunResult result = run(argv, fixed);
  if (result.exit_code != 0) {
    std::string joined;
    for (const auto& a : args) joined += " " + a;
    throw std::runtime_error("git" + joined + " failed: " + result.err);
  }
  std::string out = result.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string GitRepo::commit(const std::string& message,
                            const std::map<std::string, std::string>& env) {
  git({"add", "-A"});
  git({"commit", "-q", "--allow-empty", "-m", message}, env);
  return head();
}

std::string GitRepo::head() { return git({"rev-parse", "HEAD"}); }
void GitRepo::branch(const std::string& name) { git({"checkout", "-q", "-b", name}); }
void GitRepo::checkout(const std::string& name) { git({"checkout", "-q", name}); }

}  // namespace gate::test
