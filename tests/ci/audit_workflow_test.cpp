// ci-examples/github/gate-audit.yml night after night, as GitHub runs it: its `run:` steps are
// the workflow's own text, run by bash as the runner does (bash --noprofile --norc -eo pipefail)
// with PATH holding only what the Gate image has (no gh, curl or jq) and the real `gate`; its
// `uses:` steps are played by the test as the actions behave: checkout copies the gate-log
// branch's audit.db, cache/restore gives the exact key or else the newest key with the prefix,
// cache/save keeps the folder under a key it refuses to overwrite. The log is a real audit log
// (real keys, real checkpoints), the witness a real C2SP witness on 127.0.0.1 and the log
// service a real `gate log serve`.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <regex>

#include "attest/keys.hpp"
#include "attest/log_store.hpp"
#include "attest/witness.hpp"
#include "gate/cli/witness_command.hpp"
#include "tests/attest/fixtures.hpp"
#include "tests/service/service_process.hpp"
#include "tests/support/support.hpp"

namespace gate {
namespace {

namespace fs = std::filesystem;
using attest::KeyType;
using attest::LogStore;
using attest::PrivateKey;

const fs::path kSource = GATE_SOURCE_DIR;
constexpr const char* kOrigin = "audit.example.com/acme/app";

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// A folder of links to the commands of the Gate image (Dockerfile, runtime stage: debian:12-slim
// with git and python3) and `gate`: the PATH of the workflow's shell steps.
fs::path image_commands(const fs::path& dir) {
  fs::create_directories(dir);
  std::vector<std::string> search = {"/usr/bin", "/bin", "/usr/sbin", "/sbin"};
  for (const char* tool :
       {"bash",    "sh",     "cat",   "cp",   "mv",   "mkdir", "rm",     "ls",
        "ln",      "head",   "tail",  "tr",   "cut",  "sed",   "grep",   "date",
        "env",     "mktemp", "seq",   "sort", "uniq", "wc",    "tee",    "basename",
        "dirname", "chmod",  "touch", "tar",  "gzip", "git",   "python3"}) {
    for (const auto& folder : search) {
      if (fs::exists(fs::path(folder) / tool)) {
        fs::create_symlink(fs::path(folder) / tool, dir / tool);
        break;
      }
    }
  }
  fs::create_symlink(GATE_BINARY, dir / "gate");
  return dir;
}

void copy_folder(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

// A C2SP witness on 127.0.0.1 that knows the logs in `logs` (origin -> log key).
struct RunningWitness {
  RunningWitness(const std::string& name, std::map<std::string, attest::PublicKey> logs,
                 const std::string& state)
      : key(PrivateKey::generate(KeyType::ed25519)),
        witness(name, key, std::move(logs), state),
        server(witness) {
    url = "http://127.0.0.1:" + std::to_string(server.start("127.0.0.1", 0));
  }
  PrivateKey key;
  attest::Witness witness;
  cli::WitnessServer server;
  std::string url;
};

// One run of the workflow.
struct Night {
  std::string event = "schedule";
  bool first_run = false;
  std::map<std::string, std::string> vars;  // repository variables besides the keys
};

struct NightResult {
  test::RunResult verify;  // the "Verify the log" step
  bool checked_out = false;
  std::optional<std::string> restored;  // the cache key restored
  std::optional<std::string> saved;     // the cache key saved
  std::string summary;
};

class AuditWorkflow : public ::testing::Test {
 protected:
  void SetUp() override {
    attest::test::write_key_files(signer, dir / "keys/signer");
    attest::test::write_key_files(log_key, dir / "keys/log");
    fs::create_directories(dir / "branch");
    LogStore log = LogStore::open(branch_log(), true, attest::Durability::normal);
    log.init({kOrigin, false}, log_key);
    attest::test::append_decisions(log, signer, log_key, 0, 10);
    image_commands(dir / "image-bin");
  }

  std::string branch_log() const { return (dir / "branch/audit.db").string(); }
  void append(uint64_t first, uint64_t count, const std::string& path = "") {
    LogStore log =
        LogStore::open(path.empty() ? branch_log() : path, false, attest::Durability::normal);
    attest::test::append_decisions(log, signer, log_key, first, count);
  }
  std::string checkpoint_of(const std::string& path) {
    return LogStore::open(path, false).latest_checkpoint().value_or("");
  }
  // The checkpoint the newest saved cache holds (what the next night restores).
  std::string kept() const {
    if (caches.empty()) return "(no cache)";
    return test::read_file(caches.back().second / "checkpoint.txt");
  }

  NightResult night(const Night& n) {
    ++run_id;
    NightResult result;
    test::TempDir workspace;
    std::map<std::string, std::string> vars = {
        {"GATE_LOG", ""},
        {"GATE_LOG_PUB", test::read_file(dir / "keys/log.pub")},
        {"GATE_TRUST", test::read_file(dir / "keys/signer.pub")},
        {"GATE_WITNESSES", ""},
        {"GATE_MIN_WITNESSES", ""}};
    for (const auto& [name, value] : n.vars) vars[name] = value;
    std::map<std::string, std::string> expressions = {
        {"${{ github.run_id }}", std::to_string(run_id)},
        {"${{ github.run_attempt }}", "1"},
        {"${{ github.event_name == 'workflow_dispatch' && inputs.first-run }}",
         n.event == "workflow_dispatch" && n.first_run ? "true" : "false"},
        {"${{ !startsWith(vars.GATE_LOG, 'http') }}",
         vars["GATE_LOG"].rfind("http", 0) == 0 ? "false" : "true"}};
    for (const auto& [name, value] : vars) expressions["${{ vars." + name + " }}"] = value;
    auto evaluate = [&](std::string text) {
      for (const auto& [expression, value] : expressions) {
        text = replace_all(text, expression, value);
      }
      EXPECT_FALSE(contains(text, "${{")) << "unevaluated expression in: " << text;
      return text;
    };

    const YAML::Node job = workflow["jobs"]["verify"];
    EXPECT_EQ(job["defaults"]["run"]["shell"].as<std::string>(), "bash");
    fs::path summary = dir / ("summary-" + std::to_string(run_id) + ".md");
    for (const auto& step : job["steps"]) {
      std::string name = step["name"].as<std::string>();
      if (step["if"] && evaluate(step["if"].as<std::string>()) != "true") continue;
      if (step["run"]) {
        std::map<std::string, std::string> env = {{"PATH", (dir / "image-bin").string()},
                                                  {"HOME", workspace.path().string()},
                                                  {"CI", "true"},
                                                  {"GITHUB_ACTIONS", "true"},
                                                  {"GITHUB_EVENT_NAME", n.event},
                                                  {"GITHUB_WORKSPACE", workspace.path().string()},
                                                  {"GITHUB_STEP_SUMMARY", summary.string()},
                                                  {"GATE_LOG", "\x01unset"},
                                                  {"GATE_LOG_PUB", "\x01unset"},
                                                  {"GATE_LOG_STATE", "\x01unset"},
                                                  {"GATE_LOG_TOKEN", "\x01unset"},
                                                  {"NO_PROXY", "127.0.0.1"},
                                                  {"no_proxy", "127.0.0.1"}};
        for (const auto& var : step["env"]) {
          env[var.first.as<std::string>()] = evaluate(var.second.as<std::string>());
        }
        fs::path script = dir / ("step-" + std::to_string(run_id) + ".sh");
        test::write_file(script, step["run"].as<std::string>());
        test::RunResult r = test::run({(dir / "image-bin/bash").string(), "--noprofile", "--norc",
                                       "-eo", "pipefail", script.string()},
                                      env, workspace.path());
        fs::remove(script);
        EXPECT_EQ(name, "Verify the log");
        result.verify = r;
        if (r.exit_code != 0) break;  // later steps run only on success
        continue;
      }
      std::string uses = step["uses"].as<std::string>();
      const YAML::Node with = step["with"];
      if (uses == "actions/checkout@v4") {
        EXPECT_EQ(with["ref"].as<std::string>(), "gate-log");
        fs::path target = workspace / with["path"].as<std::string>();
        fs::create_directories(target);
        fs::copy_file(branch_log(), target / "audit.db");
        result.checked_out = true;
      } else if (uses == "actions/cache/restore@v4") {
        std::string key = evaluate(with["key"].as<std::string>());
        std::string prefix = with["restore-keys"].as<std::string>();
        const std::pair<std::string, fs::path>* hit = nullptr;
        for (const auto& cache : caches) {
          if (cache.first == key) hit = &cache;
        }
        for (auto it = caches.rbegin(); !hit && it != caches.rend(); ++it) {
          if (it->first.rfind(prefix, 0) == 0) hit = &*it;
        }
        if (hit) {
          copy_folder(hit->second, workspace / with["path"].as<std::string>());
          result.restored = hit->first;
        }
      } else if (uses == "actions/cache/save@v4") {
        std::string key = evaluate(with["key"].as<std::string>());
        for (const auto& cache : caches) EXPECT_NE(cache.first, key) << "caches are immutable";
        fs::path stored = dir / ("cache/" + std::to_string(caches.size()));
        copy_folder(workspace / with["path"].as<std::string>(), stored);
        caches.emplace_back(key, stored);
        result.saved = key;
      } else {
        ADD_FAILURE() << "step '" << name << "' uses " << uses << ", which this test does not play";
      }
    }
    if (fs::exists(summary)) {
      result.summary = test::read_file(summary);
      fs::remove(summary);
    }
    return result;
  }

  static std::string witness_variable(const std::string& url, const attest::PublicKey& key) {
    return url + "\n" + key.pem();
  }

  test::TempDir dir;
  PrivateKey signer = PrivateKey::generate(KeyType::ed25519);
  PrivateKey log_key = PrivateKey::generate(KeyType::ed25519);
  YAML::Node workflow = YAML::LoadFile((kSource / "ci-examples/github/gate-audit.yml").string());
  std::vector<std::pair<std::string, fs::path>> caches;  // in the order they were saved
  int run_id = 7000;
};

TEST_F(AuditWorkflow, TheWorkflowRunsOnTheImageAloneAndAsksOnlyToReadTheRepository) {
  EXPECT_TRUE(workflow["on"]["schedule"]);
  const YAML::Node first = workflow["on"]["workflow_dispatch"]["inputs"]["first-run"];
  EXPECT_EQ(first["type"].as<std::string>(), "boolean");
  EXPECT_FALSE(first["default"].as<bool>());
  EXPECT_EQ(workflow["permissions"].size(), 1u);
  EXPECT_EQ(workflow["permissions"]["contents"].as<std::string>(), "read");
  EXPECT_EQ(workflow["jobs"]["verify"]["container"].as<std::string>(), "ghcr.io/gate-ci/gate:v0");
  // No command of another client (the PATH of the steps has none: this names what is missing).
  static const std::regex kClient(R"((^|[\s;|&(`$])(gh|curl|jq|wget)\s)");
  for (const auto& step : workflow["jobs"]["verify"]["steps"]) {
    if (!step["run"]) continue;
    std::smatch match;
    std::string text = step["run"].as<std::string>();
    EXPECT_FALSE(std::regex_search(text, match, kClient)) << match.str();
  }
}

TEST_F(AuditWorkflow, WithoutAKeptCheckpointOnlyTheFirstRunPassesAndItKeepsTheCheckpoint) {
  NightResult nightly = night({});
  EXPECT_EQ(nightly.verify.exit_code, 1) << nightly.verify.out << nightly.verify.err;
  EXPECT_TRUE(contains(nightly.verify.out,
                       "::error title=Gate audit::no checkpoint kept by an earlier run "
                       "(kept/checkpoint.txt): without it a truncated or rolled back log would "
                       "pass, so this run fails."))
      << nightly.verify.out;
  EXPECT_FALSE(contains(nightly.verify.out, "log OK")) << nightly.verify.out;
  EXPECT_FALSE(nightly.saved);

  // Started by hand without first-run: the same.
  NightResult by_hand = night({"workflow_dispatch", false, {}});
  EXPECT_EQ(by_hand.verify.exit_code, 1);
  EXPECT_FALSE(by_hand.saved);
  EXPECT_TRUE(caches.empty());

  NightResult first = night({"workflow_dispatch", true, {}});
  ASSERT_EQ(first.verify.exit_code, 0) << first.verify.out << first.verify.err;
  EXPECT_TRUE(first.checked_out);
  EXPECT_TRUE(contains(first.verify.out,
                       "::warning title=Gate audit::first run: no kept "
                       "checkpoint, so the log's current checkpoint is trusted"))
      << first.verify.out;
  EXPECT_TRUE(contains(first.verify.out, "log OK: 10 entries")) << first.verify.out;
  std::string checkpoint = checkpoint_of(branch_log());
  EXPECT_TRUE(contains(first.verify.out, "Kept for the next run:\n" + checkpoint))
      << first.verify.out;
  EXPECT_TRUE(contains(first.summary, "First run: this checkpoint was trusted")) << first.summary;
  EXPECT_TRUE(contains(first.summary, checkpoint)) << first.summary;
  ASSERT_TRUE(first.saved);
  EXPECT_EQ(*first.saved, "gate-checkpoint-" + std::to_string(run_id) + "-1");
  EXPECT_EQ(kept(), checkpoint);

  // The next night finds it, and needs no first-run.
  NightResult next = night({});
  EXPECT_EQ(next.verify.exit_code, 0) << next.verify.out << next.verify.err;
  EXPECT_EQ(next.restored, first.saved);
  EXPECT_TRUE(contains(next.summary, "Verified; kept for the next run:")) << next.summary;
}

TEST_F(AuditWorkflow, AGrowingLogPassesAndTheKeptCheckpointMovesForward) {
  ASSERT_EQ(night({"workflow_dispatch", true, {}}).verify.exit_code, 0);
  append(10, 3);
  NightResult next = night({});
  ASSERT_EQ(next.verify.exit_code, 0) << next.verify.out << next.verify.err;
  EXPECT_TRUE(contains(next.verify.out,
                       "The log must extend the checkpoint kept by an earlier "
                       "run:\naudit.example.com/acme/app\n10\n"))
      << next.verify.out;
  EXPECT_TRUE(contains(next.verify.out, "log OK: 13 entries")) << next.verify.out;
  EXPECT_EQ(kept(), checkpoint_of(branch_log()));
  EXPECT_EQ(caches.size(), 2u);
  // Nothing new: still passes, and keeps the same checkpoint under the night's own key.
  NightResult quiet = night({});
  EXPECT_EQ(quiet.verify.exit_code, 0) << quiet.verify.out;
  EXPECT_EQ(quiet.restored, next.saved);
  EXPECT_EQ(kept(), checkpoint_of(branch_log()));
}

TEST_F(AuditWorkflow, ARolledBackOrTruncatedLogFailsEvenWhenStartedAsAFirstRun) {
  fs::copy_file(branch_log(), dir / "older.db");  // 10 entries
  append(10, 4);
  ASSERT_EQ(night({"workflow_dispatch", true, {}}).verify.exit_code, 0);
  std::string kept_before = kept();
  // The gate-log branch is force-pushed back to the older file: every size in it is signed, so
  // the file alone is consistent; the kept checkpoint of 14 entries is not.
  fs::copy_file(dir / "older.db", branch_log(), fs::copy_options::overwrite_existing);
  for (bool first_run : {false, true}) {
    NightResult n = night({first_run ? "workflow_dispatch" : "schedule", first_run, {}});
    EXPECT_EQ(n.verify.exit_code, 1) << n.verify.out << n.verify.err;
    EXPECT_TRUE(contains(n.verify.out,
                         "log BROKEN at entry 10: the log has 10 entries but "
                         "kept/checkpoint.txt signed 14 (truncated)"))
        << n.verify.out;
    EXPECT_FALSE(n.saved);
  }
  EXPECT_EQ(kept(), kept_before);
}

TEST_F(AuditWorkflow, ARewrittenLogFails) {
  ASSERT_EQ(night({"workflow_dispatch", true, {}}).verify.exit_code, 0);
  // The branch replaced by a log of the same origin and key (whoever holds the log key), with
  // other entries: as long, and longer, but not an extension of the kept checkpoint.
  fs::path other = dir / "other.db";
  {
    LogStore log = LogStore::open(other.string(), true, attest::Durability::normal);
    log.init({kOrigin, false}, log_key);
    attest::test::append_decisions(log, signer, log_key, 100, 12);
  }
  fs::copy_file(other, branch_log(), fs::copy_options::overwrite_existing);
  NightResult n = night({});
  EXPECT_EQ(n.verify.exit_code, 1) << n.verify.out << n.verify.err;
  EXPECT_TRUE(contains(n.verify.out, "log BROKEN")) << n.verify.out;
  EXPECT_TRUE(contains(n.verify.out, "does not extend kept/checkpoint.txt")) << n.verify.out;
  EXPECT_FALSE(n.saved);
}

TEST_F(AuditWorkflow, ConfiguredWitnessesMustCosign) {
  RunningWitness witness("witness.example.com/w1", {{kOrigin, log_key.public_key()}},
                         (dir / "w1.db").string());
  std::map<std::string, std::string> vars = {
      {"GATE_WITNESSES", witness_variable(witness.url, witness.key.public_key())}};
  NightResult first = night({"workflow_dispatch", true, vars});
  ASSERT_EQ(first.verify.exit_code, 0) << first.verify.out << first.verify.err;
  EXPECT_TRUE(contains(first.verify.out, "log OK: 10 entries")) << first.verify.out;
  EXPECT_TRUE(contains(first.verify.out, "cosigned by 1 witnesses")) << first.verify.out;
  append(10, 2);
  NightResult next = night({"schedule", false, vars});
  EXPECT_EQ(next.verify.exit_code, 0) << next.verify.out << next.verify.err;
  EXPECT_TRUE(contains(next.verify.out, "log OK: 12 entries")) << next.verify.out;
  EXPECT_TRUE(contains(next.verify.out, "cosigned by 1 witnesses")) << next.verify.out;
  std::string kept_before = kept();

  // The variable names a key the witness does not sign with: no cosignature verifies.
  PrivateKey stranger = PrivateKey::generate(KeyType::ed25519);
  NightResult untrusted =
      night({"schedule",
             false,
             {{"GATE_WITNESSES", witness_variable(witness.url, stranger.public_key())}}});
  EXPECT_EQ(untrusted.verify.exit_code, 1) << untrusted.verify.out << untrusted.verify.err;
  EXPECT_TRUE(contains(untrusted.verify.out, "log UNCONFIRMED: 0 of 1 witnesses cosigned"))
      << untrusted.verify.out;
  EXPECT_FALSE(untrusted.saved);

  // A witness that does not know this log refuses to cosign it.
  RunningWitness elsewhere("witness.example.com/w2",
                           {{"audit.example.com/other", log_key.public_key()}},
                           (dir / "w2.db").string());
  NightResult refused = night(
      {"schedule",
       false,
       {{"GATE_WITNESSES", witness_variable(witness.url, witness.key.public_key()) +
                               witness_variable(elsewhere.url, elsewhere.key.public_key())}}});
  EXPECT_EQ(refused.verify.exit_code, 1) << refused.verify.out << refused.verify.err;
  EXPECT_TRUE(contains(refused.verify.out, "log UNCONFIRMED: 1 of 2 witnesses cosigned"))
      << refused.verify.out;
  // GATE_MIN_WITNESSES: one of the two is enough.
  NightResult one =
      night({"schedule",
             false,
             {{"GATE_WITNESSES", witness_variable(witness.url, witness.key.public_key()) +
                                     witness_variable(elsewhere.url, elsewhere.key.public_key())},
              {"GATE_MIN_WITNESSES", "1"}}});
  EXPECT_EQ(one.verify.exit_code, 0) << one.verify.out << one.verify.err;
  EXPECT_EQ(kept(), kept_before);  // the log did not grow
}

TEST_F(AuditWorkflow, AWitnessCatchesARollbackThatAFirstRunWouldTrust) {
  RunningWitness witness("witness.example.com/w1", {{kOrigin, log_key.public_key()}},
                         (dir / "w1.db").string());
  std::map<std::string, std::string> vars = {
      {"GATE_WITNESSES", witness_variable(witness.url, witness.key.public_key())}};
  fs::copy_file(branch_log(), dir / "older.db");
  append(10, 3);
  ASSERT_EQ(night({"workflow_dispatch", true, vars}).verify.exit_code, 0);
  // The kept checkpoint is lost (the cache deleted) and the branch rolled back: a first run
  // has nothing kept to compare with, but the witness remembers 13 entries.
  caches.clear();
  fs::copy_file(dir / "older.db", branch_log(), fs::copy_options::overwrite_existing);
  NightResult n = night({"workflow_dispatch", true, vars});
  EXPECT_EQ(n.verify.exit_code, 1) << n.verify.out << n.verify.err;
  EXPECT_TRUE(contains(n.verify.out, "log BROKEN: witness")) << n.verify.out;
  EXPECT_TRUE(contains(n.verify.out, "truncated or rolled back")) << n.verify.out;
  EXPECT_FALSE(n.saved);
}

TEST_F(AuditWorkflow, BadWitnessVariablesStopWithExitTwo) {
  NightResult n = night({"workflow_dispatch", true, {{"GATE_WITNESSES", "MCowBQYDK2VwAyEA\n"}}});
  EXPECT_EQ(n.verify.exit_code, 2) << n.verify.out << n.verify.err;
  EXPECT_TRUE(contains(n.verify.out, "GATE_WITNESSES: a witness's URL line must come before"))
      << n.verify.out;
  NightResult no_key = night({"workflow_dispatch", true, {{"GATE_LOG_PUB", ""}}});
  EXPECT_EQ(no_key.verify.exit_code, 2);
  EXPECT_TRUE(contains(no_key.verify.out, "set the repository variable GATE_LOG_PUB"))
      << no_key.verify.out;
  EXPECT_TRUE(caches.empty());
}

// GATE_LOG names a `gate log serve`: nothing is checked out, the kept checkpoint is the client's
// remote state, and a service rolled back to an older copy of its store fails.
class AuditWorkflowService : public AuditWorkflow {
 protected:
  std::string store() const { return (dir / "service.db").string(); }
  std::unique_ptr<server::test::ServiceProcess> start() {
    std::string key_file = (dir / "keys/log.key").string();
    std::string config = (dir / "service.yaml").string();
    test::write_file(config, "store: " + store() + "\norigin: " + kOrigin + "\nlog_key: " +
                                 key_file + "\ntrust: [" + (dir / "keys/signer.pub").string() +
                                 "]\nread_timeout: 2\nthreads: 2\n");
    return std::make_unique<server::test::ServiceProcess>(
        std::vector<std::string>{"--config", config});
  }
};

TEST_F(AuditWorkflowService, VerifiesTheServiceAgainstTheKeptCheckpoint) {
  {
    LogStore log = LogStore::open(store(), true, attest::Durability::normal);
    log.init({kOrigin, false}, log_key);
    attest::test::append_decisions(log, signer, log_key, 0, 5);
  }
  fs::copy_file(store(), dir / "older.db");
  auto service = start();
  std::map<std::string, std::string> vars = {{"GATE_LOG", service->url()}};

  NightResult nightly = night({"schedule", false, vars});
  EXPECT_EQ(nightly.verify.exit_code, 1) << nightly.verify.out << nightly.verify.err;
  EXPECT_TRUE(contains(nightly.verify.out, "no checkpoint kept by an earlier run"));

  NightResult first = night({"workflow_dispatch", true, vars});
  ASSERT_EQ(first.verify.exit_code, 0) << first.verify.out << first.verify.err;
  EXPECT_FALSE(first.checked_out);
  EXPECT_TRUE(contains(first.verify.out, "log OK: 5 entries")) << first.verify.out;
  EXPECT_EQ(kept(), checkpoint_of(store()));

  append(5, 3, store());  // another writer appends to the service's store
  NightResult next = night({"schedule", false, vars});
  ASSERT_EQ(next.verify.exit_code, 0) << next.verify.out << next.verify.err;
  EXPECT_TRUE(contains(next.verify.out, "log OK: 8 entries")) << next.verify.out;
  EXPECT_EQ(kept(), checkpoint_of(store()));
  std::string kept_before = kept();

  // The service restarted on an older copy of its store.
  service.reset();
  fs::copy_file(dir / "older.db", store(), fs::copy_options::overwrite_existing);
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(store() + suffix);
  service = start();
  vars["GATE_LOG"] = service->url();
  NightResult rolled_back = night({"schedule", false, vars});
  EXPECT_EQ(rolled_back.verify.exit_code, 1) << rolled_back.verify.out << rolled_back.verify.err;
  EXPECT_TRUE(contains(rolled_back.verify.out, "log BROKEN")) << rolled_back.verify.out;
  EXPECT_TRUE(contains(rolled_back.verify.out, "rolled back or truncated"))
      << rolled_back.verify.out;
  EXPECT_FALSE(rolled_back.saved);
  EXPECT_EQ(kept(), kept_before);
}

}  // namespace
}  // namespace gate
