// A forge API on 127.0.0.1 for the tests: answers recorded bodies by path (and `page`), and
// keeps what it was asked, so a test can see each page was read and which token came along.
#pragma once

#include <httplib.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gate::test {

struct Answer {
  Answer() = default;
  Answer(int status, std::string body, std::map<std::string, std::string> headers = {})
      : status(status), body(std::move(body)), headers(std::move(headers)) {}
  int status = 200;
  std::string body;
  std::map<std::string, std::string> headers;
};

class ForgeServer {
 public:
  ForgeServer() {
    server_.Get(".*", [this](const httplib::Request& request, httplib::Response& response) {
      std::string key = request.path;
      if (request.has_param("page") && request.get_param_value("page") != "1") {
        key += "?page=" + request.get_param_value("page");
      }
      std::lock_guard<std::mutex> lock(mutex_);
      asked_.push_back(key);
      for (const char* header : {"Authorization", "PRIVATE-TOKEN", "JOB-TOKEN"}) {
        if (request.has_header(header)) tokens_.push_back(request.get_header_value(header));
      }
      auto found = answers_.find(key);
      if (found == answers_.end()) {
        response.status = 404;
        response.set_content(R"({"message": "Not Found"})", "application/json");
        return;
      }
      response.status = found->second.status;
      for (const auto& [name, value] : found->second.headers) response.set_header(name, value);
      response.set_content(found->second.body, "application/json; charset=utf-8");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // The socket listens from bind on; the accept loop starts shortly after (bounded wait).
    for (int i = 0; i < 2000 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~ForgeServer() {
    server_.stop();
    thread_.join();
  }
  ForgeServer(const ForgeServer&) = delete;
  ForgeServer& operator=(const ForgeServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void answer(const std::string& key, Answer answer) {
    std::lock_guard<std::mutex> lock(mutex_);
    answers_[key] = std::move(answer);
  }
  std::vector<std::string> asked() {
    std::lock_guard<std::mutex> lock(mutex_);
    return asked_;
  }
  std::vector<std::string> tokens() {
    std::lock_guard<std::mutex> lock(mutex_);
    return tokens_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::map<std::string, Answer> answers_;
  std::vector<std::string> asked_;
  std::vector<std::string> tokens_;
};

}  // namespace gate::test
