// The fixture of the tests of approvals read natively from the forge: a real repository with a
// pull request, GitHub's OpenAPI response examples served on 127.0.0.1 by ForgeServer, and the
// `gate` binary pointed at them with GITHUB_API_URL, as the platform sets it.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "attest/dsse.hpp"
#include "attest/keys.hpp"
#include "tests/process/forge_server.hpp"
#include "tests/support/support.hpp"

namespace gate::test {

namespace fs = std::filesystem;
using json = nlohmann::json;

inline const fs::path kSource = GATE_SOURCE_DIR;

// components.examples of GitHub's OpenAPI description, or nullopt (and why) without npm.
inline const json* github_examples(std::string& why) {
  static std::optional<json> examples;
  static std::string failure;
  static bool loaded = false;
  if (!loaded) {
    loaded = true;
    RunResult r = run(
        {"timeout", "240", "bash", (kSource / "scripts/ci-lint-tools.sh").string(), "github-api"});
    if (r.exit_code != 0) {
      failure = "scripts/ci-lint-tools.sh github-api: " + r.err;
    } else {
      std::string dir = r.out;
      while (!dir.empty() && (dir.back() == '\n' || dir.back() == '\r')) dir.pop_back();
      json spec = json::parse(
          read_file(fs::path(dir) / "node_modules/@octokit/openapi/generated/api.github.com.json"));
      examples = std::move(spec["components"]["examples"]);
    }
  }
  why = failure;
  return examples ? &*examples : nullptr;
}

// What stderr says besides the warning that a signed decision goes to no log: the error lines.
inline std::string error_lines(const std::string& err) {
  std::string out;
  size_t start = 0;
  while (start < err.size()) {
    size_t end = err.find('\n', start);
    std::string line = err.substr(start, end == std::string::npos ? end : end - start + 1);
    if (line.rfind("gate: warning: the decision is signed but not logged", 0) != 0) out += line;
    start = end == std::string::npos ? err.size() : end + 1;
  }
  return out;
}

inline const char* kPolicy = R"(version: 1
owners: ["@alice"]
teams:
  "@acme/docs": [erin]
rules:
  - id: owners
    type: codeowners-approval
    dismiss-stale: true
)";

class ForgeApprovals : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    examples = github_examples(why);
    if (!examples) GTEST_SKIP() << "GitHub's OpenAPI examples are not available: " << why;
    repo.write(".gate/policy.yaml", kPolicy);
    repo.write("CODEOWNERS", "/src/ @bob\n/lib/ @dave\n/docs/ @acme/docs\n");
    base = repo.commit("base");
    repo.branch("feature");
    repo.write("src/a.py", "x = 1\n");
    head = repo.commit("Change a");
    write_file(dir / "signer.key",
               attest::PrivateKey::generate(attest::KeyType::ed25519).pkcs8_pem());
    pull_request_event(42);
    answer_pull(42, "dana", head);
  }

  json example(const std::string& name) const { return (*examples)[name]["value"]; }

  void pull_request_event(int number) {
    json event = {{"action", "synchronize"},
                  {"number", number},
                  {"pull_request",
                   {{"number", number},
                    {"user", {{"login", "dana"}}},
                    {"base", {{"sha", base}, {"ref", "main"}}},
                    {"head", {{"sha", head}, {"ref", "feature"}}}}}};
    write_file(dir / "event.json", event.dump());
    event_name = "pull_request";
  }

  // The merge queue's event for pull request #42 queued as `queue_head` on main.
  void merge_group_event(const std::string& queue_head) {
    json event = {{"action", "checks_requested"},
                  {"merge_group",
                   {{"head_sha", queue_head},
                    {"head_ref", "refs/heads/gh-readonly-queue/main/pr-42-" + base},
                    {"base_sha", base},
                    {"base_ref", "refs/heads/main"}}}};
    write_file(dir / "event.json", event.dump());
    event_name = "merge_group";
  }

  // GET /repos/acme/widgets/pulls/N: GitHub's example pull request, for this change.
  void answer_pull(int number, const std::string& author, const std::string& pr_head) {
    json pull = example("pull-request");
    pull["number"] = number;
    pull["user"]["login"] = author;
    pull["head"]["sha"] = pr_head;
    server.answer("/repos/acme/widgets/pulls/" + std::to_string(number), {200, pull.dump()});
  }

  // GitHub's example review, as `login` gave it.
  json review(const std::string& login, const std::string& state, const std::string& commit,
              const std::string& time, int id) const {
    json r = example("pull-request-review-items")[0];
    r["id"] = id;
    r["user"]["login"] = login;
    r["state"] = state;
    r["commit_id"] = commit;
    r["submitted_at"] = time;
    return r;
  }

  void answer_reviews(const json& reviews, const std::string& page = "",
                      std::map<std::string, std::string> headers = {}) {
    server.answer("/repos/acme/widgets/pulls/42/reviews" + (page.empty() ? "" : "?page=" + page),
                  {200, reviews.dump(), std::move(headers)});
  }

  std::string page_link(int page, int last) const {
    std::string reviews = server_url() + "/repos/acme/widgets/pulls/42/reviews?per_page=100&page=";
    return "<" + reviews + std::to_string(page) + ">; rel=\"next\", <" + reviews +
           std::to_string(last) + ">; rel=\"last\"";
  }

  std::string server_url() const { return const_cast<ForgeServer&>(server).url(); }

  std::map<std::string, std::string> github_env() const {
    return {{"GITHUB_ACTIONS", "true"},
            {"GITHUB_EVENT_NAME", event_name},
            {"GITHUB_EVENT_PATH", (dir / "event.json").string()},
            {"GITHUB_REPOSITORY", "acme/widgets"},
            {"GITHUB_API_URL", server_url()},
            {"GITHUB_TOKEN", "ghs_testtoken"},
            {"GITHUB_ACTOR", "dana"},
            {"NO_PROXY", "127.0.0.1"},
            {"no_proxy", "127.0.0.1"}};
  }

  RunResult check(std::map<std::string, std::string> env = {},
                  const std::vector<std::string>& extra = {}) {
    std::map<std::string, std::string> all = github_env();
    for (auto& [key, value] : env) all[key] = value;
    std::vector<std::string> args = {"check",         "--repo",
                                     repo.dir(),      "--no-github",
                                     "--format",      "json",
                                     "--sign-key",    (dir / "signer.key").string(),
                                     "--attestation", attestation().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_gate(args, all);
  }

  fs::path attestation() const { return dir / "attestation.json"; }

  // The predicate of the signed attestation.
  json predicate() const {
    attest::Envelope envelope = attest::parse_envelope(read_file(attestation()), "attestation");
    return json::parse(envelope.payload)["predicate"];
  }

  static std::vector<std::string> messages(const std::string& report) {
    std::vector<std::string> out;
    json document = json::parse(report);
    for (const auto& f : document["findings"]) out.push_back(f["message"]);
    return out;
  }

  const json* examples = nullptr;
  GitRepo repo;
  TempDir dir;
  ForgeServer server;
  std::string base, head, event_name;
};

}  // namespace gate::test
