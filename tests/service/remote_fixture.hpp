#pragma once

// Clients of `gate log serve` run as real processes: a real service on SQLite, a real repository,
// real keys, and a proxy that alters one byte of an answer on its way back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "attest/bytes.hpp"
#include "attest/keys.hpp"
#include "attest/log_store.hpp"
#include "tests/attest/fixtures.hpp"
#include "tests/service/service_process.hpp"
#include "tests/support/support.hpp"

namespace gate::server::test {

namespace fs = std::filesystem;

constexpr const char* kCiToken = "gate-ci-token-remote-0123456789";

// listen_after_bind() on another thread has started (stop() before that would be lost).
inline void wait_until_running(httplib::Server& server) {
  for (int i = 0; i < 2000 && !server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// Forwards every request to the service on `target_port` and hands each answer's body to
// `alter` (method, path with query, body) before it goes back.
class TamperingProxy {
 public:
  using Alter =
      std::function<void(const std::string& method, const std::string& target, std::string& body)>;
  // With `tls` (certificate and key files) the proxy speaks https, as a TLS-terminating proxy in
  // front of the service would.
  TamperingProxy(int target_port, Alter alter,
                 std::optional<std::pair<std::string, std::string>> tls = std::nullopt)
      : target_port_(target_port),
        alter_(std::move(alter)),
        server_(tls ? std::make_unique<httplib::SSLServer>(tls->first.c_str(), tls->second.c_str())
                    : std::make_unique<httplib::Server>()),
        scheme_(tls ? "https" : "http") {
    auto forward = [this](const httplib::Request& req, httplib::Response& res) {
      httplib::Client upstream("127.0.0.1", target_port_);
      upstream.set_connection_timeout(5);
      upstream.set_read_timeout(20);
      httplib::Headers headers;
      if (req.has_header("Authorization")) {
        headers.emplace("Authorization", req.get_header_value("Authorization"));
      }
      auto answer = req.method == "POST"
                        ? upstream.Post(req.target, headers, req.body, "application/json")
                        : upstream.Get(req.target, headers);
      if (!answer) {
        res.status = 502;
        return;
      }
      std::string body = answer->body;
      alter_(req.method, req.target, body);
      res.status = answer->status;
      res.set_content(body, answer->get_header_value("Content-Type"));
    };
    server_->Get(".*", forward);
    server_->Post(".*", forward);
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    wait_until_running(*server_);
  }
  ~TamperingProxy() {
    server_->stop();
    thread_.join();
  }
  std::string url() const { return scheme_ + "://127.0.0.1:" + std::to_string(port_); }

 private:
  int target_port_;
  Alter alter_;
  std::unique_ptr<httplib::Server> server_;
  std::string scheme_;
  int port_ = 0;
  std::thread thread_;
};

// Changes one character of `text` at `at` into another of the same alphabet (hex or base64), so
// the answer still parses and only a check can tell.
inline void alter_one_byte(std::string& text, size_t at) {
  ASSERT_LT(at, text.size());
  text[at] = text[at] == 'a' ? 'b' : 'a';
}

// The character position of the first byte of a checkpoint's root (its third line).
inline size_t checkpoint_root_at(const std::string& note) {
  size_t first = note.find('\n');
  return note.find('\n', first + 1) + 1;
}

class RemoteLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    attest::test::write_key_files(signer_, dir_ / "decision");
    attest::test::write_key_files(log_key_, dir_ / "log");
    repo_.write("src/app.py", "print('hello')\n");
    base_ = repo_.commit("base");
    repo_.branch("feature");
    repo_.write("src/app.py", "print('hello, world')\n");
    head_ = repo_.commit("change");
  }

  std::string origin() const { return "gate.test/remote/" + log_key_.key_id().substr(0, 8); }
  std::string store(const std::string& name = "audit") const {
    return (dir_ / (name + ".db")).string();
  }
  std::string state() const { return (dir_ / "kept-checkpoint").string(); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // A service over `store` (SQLite) that admits the project token kCiToken for any repository.
  std::unique_ptr<ServiceProcess> start(const std::string& store_path,
                                        const attest::PrivateKey* key = nullptr) {
    const attest::PrivateKey& log_key = key ? *key : log_key_;
    std::string key_file = store_path + ".log.key";
    gate::test::write_file(key_file, log_key.pkcs8_pem());
    std::string config = store_path + ".yaml";
    gate::test::write_file(
        config, "store: " + store_path + "\norigin: " + origin() + "\nlog_key: " + key_file +
                    "\ntrust: [" + path("decision.pub") + "]\nread_timeout: 2\nthreads: 8\n" +
                    "tokens:\n  - name: ci\n    sha256: " +
                    attest::to_hex(attest::sha256(kCiToken)) + "\n    repositories: [\"*\"]\n");
    return std::make_unique<ServiceProcess>(std::vector<std::string>{"--config", config});
  }

  // `count` decisions written into the store file before a service opens it, one checkpoint
  // each (fast: no HTTP), under this test's origin and log key.
  void seed(const std::string& store_path, uint64_t first, uint64_t count,
            const attest::PrivateKey* key = nullptr) {
    const attest::PrivateKey& log_key = key ? *key : log_key_;
    attest::LogStore log = attest::LogStore::open(store_path, true, attest::Durability::normal);
    if (!log.origin()) log.init(attest::LogIdentity{origin(), false}, log_key);
    for (uint64_t i = first; i < first + count; ++i) {
      attest::test::Decision decision;
      decision.head = attest::test::commit_id(i);
      decision.time += static_cast<int64_t>(i % 50) * 3600;  // repeated times: (time, seq) order
      decision.verdict = i % 3 == 0 ? "fail" : "pass";
      if (i % 3 == 0) decision.failed_rule = "no-secrets";
      decision.actor = i % 2 ? "bob" : "alice";
      log.append(attest::test::make_envelope(signer_, decision), log_key);
    }
  }

  // The remote options every client command needs.
  std::vector<std::string> remote(const std::string& url) const {
    return {"--log", url, "--log-pub", path("log.pub"), "--log-state", state()};
  }

  std::vector<std::string> check_args(const std::string& url,
                                      const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args = {"check", "--repo",     repo_.dir(),         "--base",
                                     "main",  "--sign-key", path("decision.key")};
    for (const auto& arg : remote(url)) args.push_back(arg);
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  gate::test::RunResult check(const std::string& url, const std::vector<std::string>& extra = {},
                              std::map<std::string, std::string> env = {
                                  {"GATE_LOG_TOKEN", kCiToken}}) {
    return gate::test::run_gate(check_args(url, extra), env);
  }

  gate::test::RunResult run_remote(std::vector<std::string> args, const std::string& url) {
    for (const auto& arg : remote(url)) args.push_back(arg);
    return gate::test::run_gate(args);
  }

  bool has_note() { return !repo_.git({"for-each-ref", "refs/notes/gate"}).empty(); }
  uint64_t entries(const std::string& store_path) {
    return attest::LogStore::open(store_path, false).size();
  }

  gate::test::TempDir dir_;
  gate::test::GitRepo repo_;
  std::string base_;
  std::string head_;
  attest::PrivateKey signer_ = attest::PrivateKey::generate(attest::KeyType::ed25519);
  attest::PrivateKey log_key_ = attest::PrivateKey::generate(attest::KeyType::ed25519);
};

}  // namespace gate::server::test
