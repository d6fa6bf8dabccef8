#pragma once

// `gate log serve` as a real child process on 127.0.0.1 with a port the kernel picked.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace gate::server::test {

class ServiceProcess {
 public:
  explicit ServiceProcess(const std::vector<std::string>& args) {
    int err[2];
    if (pipe(err) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> argv = {GATE_BINARY, "log", "serve", "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_ = fork();
    if (pid_ == 0) {
      dup2(err[1], 2);
      close(err[0]);
      close(err[1]);
      std::vector<char*> raw;
      for (auto& arg : argv) raw.push_back(arg.data());
      raw.push_back(nullptr);
      execv(raw[0], raw.data());
      _exit(127);
    }
    close(err[1]);
    // Drains stderr for the whole life of the child, so it never blocks on a full pipe.
    reader_ = std::thread([this, fd = err[0]] {
      char buffer[4096];
      ssize_t n;
      while ((n = read(fd, buffer, sizeof(buffer))) > 0) {
        std::lock_guard lock(mutex_);
        stderr_.append(buffer, static_cast<size_t>(n));
        changed_.notify_all();
      }
      close(fd);
      std::lock_guard lock(mutex_);
      closed_ = true;
      changed_.notify_all();
    });
    std::unique_lock lock(mutex_);
    static const std::regex kServing(R"(serving \S+ on http://127\.0\.0\.1:(\d+))");
    std::smatch match;
    bool ready = changed_.wait_for(lock, std::chrono::seconds(20), [&] {
      return std::regex_search(stderr_, match, kServing) || closed_;
    });
    if (!ready || closed_) {
      std::string seen = stderr_;
      lock.unlock();
      stop_hard();
      throw std::runtime_error("gate log serve did not start: " + seen);
    }
    port_ = std::stoi(match[1].str());
  }

  ~ServiceProcess() { stop_hard(); }

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string err() {
    std::lock_guard lock(mutex_);
    return stderr_;
  }

  void send(int signal) { ::kill(pid_, signal); }
  // Waits at most `seconds` for the child; returns its wait status, or -1 if it still runs.
  int wait(int seconds) {
    for (int i = 0; i < seconds * 20; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        if (reader_.joinable()) reader_.join();
        return status;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return -1;
  }

 private:
  void stop_hard() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    if (reader_.joinable()) reader_.join();
  }

  pid_t pid_ = -1;
  int port_ = 0;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string stderr_;
  bool closed_ = false;
};

}  // namespace gate::server::test
