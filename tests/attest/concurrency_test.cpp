// Parallel writers and crashes: separate processes append to one log file at once, and a writer
// killed with SIGKILL mid-append leaves a log that verifies with every acknowledged entry.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "attest/checkpoint.hpp"
#include "attest/log_store.hpp"
#include "attest/log_verify.hpp"
#include "tests/attest/fixtures.hpp"
#include "tests/support/support.hpp"

namespace gate::attest {
namespace {

using gate::attest::test::commit_id;
using gate::attest::test::Decision;
using gate::attest::test::make_envelope;

// Runs `body` in a child process; the child exits 0 when it returns, 1 when it throws.
pid_t spawn(const std::function<void()>& body) {
  pid_t pid = fork();
  if (pid == 0) {
    int code = 0;
    try {
      body();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "child: %s\n", e.what());
      code = 1;
    }
    _exit(code);
  }
  return pid;
}

TEST(LogConcurrency, EightProcessesAppending250EachLoseAndForkNothing) {
  gate::test::TempDir dir;
  std::string path = (dir / "audit.db").string();
  PrivateKey signer = PrivateKey::generate(KeyType::ed25519);
  PrivateKey log_key = PrivateKey::generate(KeyType::ed25519);
  constexpr int kWriters = 8;
  constexpr int kEach = 250;
  std::vector<pid_t> children;
  for (int writer = 0; writer < kWriters; ++writer) {
    children.push_back(spawn([&, writer] {
      // Each process opens its own connection, as parallel CI jobs do.
      LogStore log = LogStore::open(path, true, Durability::normal);
      for (int i = 0; i < kEach; ++i) {
        Decision decision;
        decision.actor = "writer-" + std::to_string(writer);
        decision.head = commit_id(static_cast<uint64_t>(writer * kEach + i));
        log.append(make_envelope(signer, decision), log_key);
      }
    }));
  }
  for (pid_t child : children) {
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  LogStore log = LogStore::open(path, false);
  EXPECT_EQ(log.size(), uint64_t{kWriters * kEach});
  for (int writer = 0; writer < kWriters; ++writer) {
    LogQuery query;
    query.actor = "writer-" + std::to_string(writer);
    EXPECT_EQ(log.query(query).size(), size_t{kEach}) << query.actor.value();
  }
  LogVerifyOptions options;
  options.trusted = {signer.public_key()};
  options.log_key = log_key.public_key();
  LogVerifyResult result = verify_log(log, options);
  EXPECT_TRUE(result.ok) << result.problem << " at " << result.first_broken.value_or(0);
  EXPECT_EQ(result.entries, uint64_t{kWriters * kEach});
}

TEST(LogConcurrency, VerifyAndExportDuringFourAppendersNeverReportAFalseBreak) {
  gate::test::TempDir dir;
  std::string path = (dir / "audit.db").string();
  PrivateKey signer = PrivateKey::generate(KeyType::ed25519);
  PrivateKey log_key = PrivateKey::generate(KeyType::ed25519);
  {
    LogStore log = LogStore::open(path, true, Durability::normal);
    test::append_decisions(log, signer, log_key, 0, 50);
  }
  constexpr int kWriters = 4;
  constexpr int kEach = 150;
  std::vector<pid_t> children;
  for (int writer = 0; writer < kWriters; ++writer) {
    children.push_back(spawn([&, writer] {
      LogStore log = LogStore::open(path, false, Durability::normal);
      for (int i = 0; i < kEach; ++i) {
        Decision decision;
        decision.head = commit_id(static_cast<uint64_t>(1000 + writer * kEach + i));
        if (i % 5 == 0) {
          decision.verdict = "fail";
          decision.failed_rule = "no-secrets";
        }
        log.append(make_envelope(signer, decision), log_key);
      }
    }));
  }
  // Verify (in process and through the CLI) and export while they append.
  int rounds = 0;
  uint64_t last_size = 0;
  auto writers_running = [&] {
    for (pid_t child : children) {
      if (waitpid(child, nullptr, WNOHANG) == 0) return true;
    }
    return false;
  };
  LogStore log = LogStore::open(path, false);
  LogVerifyOptions options;
  options.trusted = {signer.public_key()};
  options.log_key = log_key.public_key();
  do {
    LogVerifyResult result = verify_log(log, options);
    ASSERT_TRUE(result.ok) << "round " << rounds << ": " << result.problem << " at "
                           << result.first_broken.value_or(0);
    EXPECT_GE(result.entries, last_size);
    last_size = result.entries;
    gate::test::RunResult cli = gate::test::run_gate({"log", "verify", "--log", path});
    ASSERT_EQ(cli.exit_code, 0) << cli.out << cli.err;
    gate::test::RunResult exported = gate::test::run_gate({"log", "export", "--log", path});
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    // The export's last line is the checkpoint of exactly the entries before it.
    size_t lines = static_cast<size_t>(std::count(exported.out.begin(), exported.out.end(), '\n'));
    size_t last = exported.out.rfind('{');
    auto checkpoint = nlohmann::json::parse(exported.out.substr(last))["checkpoint"];
    auto parsed = parse_checkpoint(checkpoint.get<std::string>(), "export");
    EXPECT_EQ(parsed.checkpoint.size, lines - 1);
    ++rounds;
  } while (writers_running());
  for (pid_t child : children) {
    int status = 0;
    waitpid(child, &status, 0);
  }
  EXPECT_GE(rounds, 1);
  LogVerifyResult final_result = verify_log(log, options);
  EXPECT_TRUE(final_result.ok) << final_result.problem;
  EXPECT_EQ(final_result.entries, uint64_t{50 + kWriters * kEach});
}

TEST(LogConcurrency, SigkillMidAppendKeepsEveryAcknowledgedEntry) {
  gate::test::TempDir dir;
  std::string path = (dir / "audit.db").string();
  PrivateKey signer = PrivateKey::generate(KeyType::ed25519);
  PrivateKey log_key = PrivateKey::generate(KeyType::ed25519);
  int acks[2];
  ASSERT_EQ(pipe(acks), 0);
  pid_t child = spawn([&] {
    close(acks[0]);
    // The default durability (fsync per commit), as `gate check` appends.
    LogStore log = LogStore::open(path, true);
    for (uint64_t i = 0;; ++i) {
      Decision decision;
      decision.head = commit_id(i);
      uint64_t seq = log.append(make_envelope(signer, decision), log_key);
      // Acknowledge only after append() returned: the entry is committed.
      std::string line = std::to_string(seq) + " " + decision.head + "\n";
      if (write(acks[1], line.data(), line.size()) < 0) return;
    }
  });
  close(acks[1]);
  std::map<uint64_t, std::string> acknowledged;
  std::string pending;
  char buffer[256];
  while (acknowledged.size() < 25) {
    ssize_t n = read(acks[0], buffer, sizeof(buffer));
    ASSERT_GT(n, 0);
    pending.append(buffer, static_cast<size_t>(n));
    size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, newline);
      pending.erase(0, newline + 1);
      size_t space = line.find(' ');
      acknowledged[std::stoull(line.substr(0, space))] = line.substr(space + 1);
    }
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  close(acks[0]);
  EXPECT_TRUE(WIFSIGNALED(status));

  LogStore log = LogStore::open(path, false);
  EXPECT_GE(log.size(), acknowledged.size());
  for (const auto& [seq, head] : acknowledged) {
    auto entry = log.entry(seq);
    ASSERT_TRUE(entry.has_value()) << seq;
    EXPECT_EQ(entry->head, head);
  }
  LogVerifyOptions options;
  options.trusted = {signer.public_key()};
  options.log_key = log_key.public_key();
  LogVerifyResult result = verify_log(log, options);
  EXPECT_TRUE(result.ok) << result.problem;
  // The log keeps accepting appends after the crash.
  log.append(make_envelope(signer, {}), log_key);
  EXPECT_TRUE(verify_log(log, options).ok);
}

}  // namespace
}  // namespace gate::attest
