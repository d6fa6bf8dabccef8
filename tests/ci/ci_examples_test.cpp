// The shipped integrations, run as the platforms run them: the exact steps of
// ci-examples/github/gate.yml (through the action's entrypoint) and the exact script lines of
// ci-examples/gitlab/, under the documented variables and real-shaped event payloads, on a real
// repository. The files each platform reads are compared byte for byte with tests/ci/golden/.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "attest/keys.hpp"
#include "tests/ci/sample_report.hpp"
#include "tests/support/support.hpp"

namespace gate {
namespace {

namespace fs = std::filesystem;
const fs::path kSource = GATE_SOURCE_DIR;

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// Variables a local run must not inherit from the machine running the tests.
std::map<std::string, std::string> clean_environment() {
  std::map<std::string, std::string> env;
  for (const char* name : {"GITHUB_ACTIONS", "GITLAB_CI", "CI", "GITHUB_EVENT_PATH",
                           "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT", "GATE_LOG", "GATE_SIGNING_KEY",
                           "GATE_LOG_KEY", "GITHUB_SHA", "CI_COMMIT_SHA", "CI_MERGE_REQUEST_IID"}) {
    env[name] = "\x01unset";
  }
  env["NO_COLOR"] = "1";
  env["GIT_CONFIG_NOSYSTEM"] = "1";
  return env;
}

// A repository with a policy on main and a merge request branch that breaks some of it. The
// commits are made at fixed dates by a fixed identity, so their ids (and the reports) are stable.
struct Scenario {
  test::GitRepo repo;
  std::string base, head;

  Scenario() {
    repo.write(".gate/policy.yaml",
               "version: 1\n"
               "owners: [\"@alice\"]\n"
               "assets:\n"
               "  code: { paths: [\"src/**\"] }\n"
               "  model: { paths: [\"models/**\"] }\n"
               "rules:\n"
               "  - id: no-private-keys\n"
               "    type: forbidden-paths\n"
               "    description: Private keys never belong in the repository.\n"
               "    paths: [\"**/*.pem\"]\n"
               "  - id: small-files\n"
               "    type: max-file-size\n"
               "    severity: warning\n"
               "    limit: 1kB\n"
               "  - id: model-updates-metrics\n"
               "    type: co-change\n"
               "    if: [\"models/**/*.bin\"]\n"
               "    then: [\"models/**/metrics.json\"]\n");
    repo.write("src/app.py", "print('hello')\n");
    repo.write("models/churn/metrics.json", "{\"auc\": 0.8}\n");
    repo.commit("Add the policy");
    base = repo.head();
    repo.branch("retrain");
    repo.write("keys/a::b,50%.pem", "-----BEGIN PRIVATE KEY-----\n");
    repo.write("models/churn/model.bin", std::string(2000, 'x'));
    repo.write("src/app.py", "print('hello, world')\n");
    repo.commit("Retrain the churn model");
    head = repo.head();
  }
};

YAML::Node find_step(const YAML::Node& steps, const std::string& name) {
  for (const auto& step : steps) {
    if (step["name"] && step["name"].as<std::string>() == name) return step;
  }
  throw std::runtime_error("no step named " + name);
}

// The `${{ ... }}` expressions of gate.yml, as GitHub evaluates them for this pull request.
std::string evaluate(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [expression, value] : values) text = replace_all(text, expression, value);
  EXPECT_EQ(text.find("${{"), std::string::npos) << "unevaluated expression in: " << text;
  return text;
}

std::string annotations_of(const std::string& out) {
  std::string lines;
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    std::string line = out.substr(start, end - start);
    if (line.rfind("::", 0) == 0) lines += line + "\n";
    start = end == std::string::npos ? out.size() : end + 1;
  }
  return lines;
}

// Runs a SARIF file through python3-jsonschema against the shipped 2.1.0 schema.
test::RunResult validate_sarif_file(const fs::path& sarif) {
  std::string schema = std::string(GATE_SHARED_DIR) + "/schemas/sarif-schema-2.1.0.json";
  return test::run({"python3", "-c",
                    "import json, sys, jsonschema\n"
                    "schema = json.load(open(sys.argv[1]))\n"
                    "jsonschema.validators.validator_for(schema)(schema).validate("
                    "json.load(open(sys.argv[2])))\n",
                    schema, sarif.string()});
}

TEST(GithubPullRequest, WorkflowStepsGiveAnnotationsSummaryOutputsAndSarif) {
  Scenario s;
  test::TempDir runner;
  // The runner's files: the event payload, the API GitHub answers, the command files.
  std::string payload = test::read_file(kSource / "tests/ci/fixtures/github_pull_request.json");
  payload = replace_all(payload, "2222222222222222222222222222222222222222", s.base);
  payload = replace_all(payload, "1111111111111111111111111111111111111111", s.head);
  test::write_file(runner / "event.json", payload);
  std::map<std::string, std::string> env = clean_environment();
  const std::map<std::string, std::string> github = {
      {"HOME", runner.path().string()},
      {"CI", "true"},
      {"GITHUB_ACTIONS", "true"},
      {"GITHUB_EVENT_NAME", "pull_request"},
      {"GITHUB_EVENT_PATH", (runner / "event.json").string()},
      {"GITHUB_REPOSITORY", "acme/widgets"},
      {"GITHUB_SERVER_URL", "https://github.com"},
      {"GITHUB_API_URL", "file://" + (runner / "api").string()},
      {"GITHUB_RUN_ID", "7000000001"},
      {"GITHUB_ACTOR", "grace"},
      {"GITHUB_SHA", "9999999999999999999999999999999999999999"},  // the merge commit: unused
      {"GITHUB_REF", "refs/pull/42/merge"},
      {"GITHUB_WORKSPACE", s.repo.dir()},
      {"GITHUB_OUTPUT", (runner / "output").string()},
      {"GITHUB_STEP_SUMMARY", (runner / "summary.md").string()}};
  for (const auto& [key, value] : github) env[key] = value;
  const std::map<std::string, std::string> expressions = {
      {"${{ github.token }}", "ghs_test"},
      {"${{ github.event.pull_request.number }}", "42"},
      {"${{ github.event.pull_request.user.login }}", "grace"},
      {"${{ secrets.GATE_SIGNING_KEY }}", ""},
      {"${{ vars.GATE_LOG }}", ""},
      {"${{ vars.GATE_LOG_PUB }}", ""},
      {"${{ github.event.pull_request.head.repo.fork && 'best-effort' || 'true' }}", "true"}};

  YAML::Node workflow = YAML::LoadFile((kSource / "ci-examples/github/gate.yml").string());
  const YAML::Node& steps = workflow["jobs"]["gate"]["steps"];
  ASSERT_EQ(find_step(steps, "Check out with full history")["with"]["fetch-depth"].as<int>(), 0);

  // No approvals step: gate check reads the reviews itself, with the job's token, which the
  // workflow lets read pull requests; the merge queue runs the gate too.
  for (const auto& step : steps) {
    EXPECT_FALSE(step["name"] && step["name"].as<std::string>() == "Collect review approvals");
  }
  EXPECT_EQ(workflow["permissions"]["pull-requests"].as<std::string>(), "read");
  EXPECT_TRUE(workflow["on"]["merge_group"]);
  // The commit that lands on main is attested too, and no landing run cancels another.
  EXPECT_EQ(workflow["on"]["push"]["branches"][0].as<std::string>(), "main");
  EXPECT_EQ(workflow["concurrency"]["cancel-in-progress"].as<std::string>(),
            "${{ github.event_name != 'push' && github.event_name != 'merge_group' }}");

  // Step: run Gate through the action (the runner maps `with:` to INPUT_* variables).
  YAML::Node gate_step = find_step(steps, "Run Gate");
  YAML::Node action = YAML::LoadFile((kSource / "action.yml").string());
  std::map<std::string, std::string> step_env = env;
  for (const auto& input : action["inputs"]) {
    std::string name = input.first.as<std::string>();
    std::string value = evaluate(input.second["default"].as<std::string>(), expressions);
    if (gate_step["with"][name])
      value = evaluate(gate_step["with"][name].as<std::string>(), expressions);
    std::string variable = "INPUT_";
    for (char c : name) variable += static_cast<char>(c == ' ' ? '_' : std::toupper(c));
    step_env[variable] = value;
  }
  // The container gets the job's token for the reviews by default.
  EXPECT_EQ(step_env["INPUT_GITHUB-TOKEN"], "ghs_test");
  for (const auto& output : {"verdict", "findings", "attestation"}) {
    EXPECT_TRUE(action["outputs"][output]) << output;
  }
  EXPECT_EQ(action["runs"]["using"].as<std::string>(), "docker");
  step_env["GATE_BINARY"] = GATE_BINARY;
  test::RunResult result =
      test::run({"bash", (kSource / "ci-examples/github/action-entrypoint.sh").string()}, step_env,
                s.repo.path());
  EXPECT_EQ(result.exit_code, 1) << result.err;  // blocked: a private key

  test::expect_golden("e2e-github.annotations.txt", annotations_of(result.out));
  test::expect_golden("e2e-github.summary.md", test::read_file(runner / "summary.md"));
  test::expect_golden("e2e-github.outputs.txt", test::read_file(runner / "output"));
  EXPECT_NE(result.out.find("GITHUB_EVENT_PATH pull_request.base.sha"), std::string::npos)
      << result.out;

  // Step: upload-sarif reads gate.sarif.
  fs::path sarif = s.repo.path() / "gate.sarif";
  test::expect_golden("e2e-github.sarif", test::read_file(sarif));
  test::RunResult valid = validate_sarif_file(sarif);
  EXPECT_EQ(valid.exit_code, 0) << valid.err;
}

// The script lines of a GitLab job, as the runner runs them: one shell, in order, with the
// template's and the job's variables.
test::RunResult run_gitlab_job(const YAML::Node& doc, const std::string& job,
                               std::map<std::string, std::string> env, const fs::path& cwd,
                               const std::map<std::string, std::string>& inputs = {}) {
  if (doc["variables"]) {
    for (const auto& var : doc["variables"])
      env[var.first.as<std::string>()] = var.second.as<std::string>();
  }
  for (const auto& var : doc[job]["variables"]) {
    std::string value = var.second.as<std::string>();
    for (const auto& [from, to] : inputs) value = replace_all(value, from, to);
    env[var.first.as<std::string>()] = value;
  }
  std::string script = "set -eo pipefail\n";
  for (const auto& line : doc[job]["script"]) {
    std::string text = line.as<std::string>();
    for (const auto& [from, to] : inputs) text = replace_all(text, from, to);
    EXPECT_EQ(text.find("$[["), std::string::npos) << text;
    script += text + "\n";
  }
  return test::run({"bash", "-c", script}, env, cwd);
}

struct GitlabRun {
  test::RunResult gate;
  std::string junit, codequality, sarif;
};

// The variables of a merge request pipeline of `s`, as GitLab sets them.
std::map<std::string, std::string> merge_request_environment(const Scenario& s,
                                                             const fs::path& home) {
  std::map<std::string, std::string> env = clean_environment();
  std::map<std::string, std::string> gitlab = {
      {"HOME", home.string()},
      {"CI", "true"},
      {"GITLAB_CI", "true"},
      {"CI_PIPELINE_SOURCE", "merge_request_event"},
      {"CI_API_V4_URL", "file://" + (home / "api/v4").string()},
      {"CI_JOB_TOKEN", "job-token"},
      {"CI_PROJECT_ID", "1234"},
      {"CI_PROJECT_PATH", "acme/ml/widgets"},
      {"CI_SERVER_URL", "https://gitlab.example.com"},
      {"CI_PIPELINE_URL", "https://gitlab.example.com/acme/ml/widgets/-/pipelines/555"},
      {"GITLAB_USER_LOGIN", "grace"},
      {"CI_MERGE_REQUEST_IID", "17"},
      {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"},
      {"CI_MERGE_REQUEST_DIFF_BASE_SHA", s.base},
      {"CI_COMMIT_SHA", s.head},
      {"CI_COMMIT_BEFORE_SHA", "0000000000000000000000000000000000000000"},
      {"PATH", fs::path(GATE_BINARY).parent_path().string() + ":" + std::getenv("PATH")}};
  for (const auto& [k, v] : gitlab) env[k] = v;
  return env;
}

GitlabRun run_gitlab_pipeline(const YAML::Node& doc,
                              const std::map<std::string, std::string>& inputs) {
  Scenario s;
  test::TempDir runner;
  std::map<std::string, std::string> env = merge_request_environment(s, runner.path());

  // The runner's clone has an origin; the template fetches the target branch's tip from it.
  s.repo.git({"remote", "add", "origin", s.repo.dir()});

  GitlabRun run;
  run.gate = run_gitlab_job(doc, "gate", env, s.repo.path(), inputs);
  auto read = [&](const char* name) {
    fs::path path = s.repo.path() / name;
    return fs::exists(path) ? test::read_file(path) : std::string("(missing)");
  };
  run.junit = read("gate-junit.xml");
  run.codequality = read("gate-codequality.json");
  run.sarif = read("gate.sarif");
  return run;
}

TEST(GitlabMergeRequest, TemplateJobsGiveJunitAndCodeQuality) {
  YAML::Node doc = YAML::LoadFile((kSource / "ci-examples/gitlab/gate.gitlab-ci.yml").string());
  EXPECT_EQ(doc["gate"]["variables"]["GIT_DEPTH"].as<std::string>(), "0");
  EXPECT_EQ(doc["gate"]["artifacts"]["reports"]["junit"].as<std::string>(), "gate-junit.xml");
  EXPECT_EQ(doc["gate"]["artifacts"]["reports"]["codequality"].as<std::string>(),
            "gate-codequality.json");
  GitlabRun run = run_gitlab_pipeline(doc, {});
  EXPECT_EQ(run.gate.exit_code, 1) << run.gate.err;
  // Judged with the target branch tip's policy, as on GitHub.
  EXPECT_NE(run.gate.out.find("CI_MERGE_REQUEST_TARGET_BRANCH_NAME"), std::string::npos)
      << run.gate.out;
  test::expect_golden("e2e-gitlab.junit.xml", run.junit);
  test::expect_golden("e2e-gitlab.codequality.json", run.codequality);
}

// Keys a template may not set for the project: GitLab merges them into the including file.
void expect_no_global_keys(const YAML::Node& doc) {
  for (const auto& entry : doc) {
    std::string key = entry.first.as<std::string>();
    for (const char* global : {"stages", "variables", "default", "workflow", "include", "image",
                               "services", "before_script", "after_script", "cache"}) {
      EXPECT_NE(key, global) << "the template declares the global key '" << key << "'";
    }
    EXPECT_TRUE(entry.second.IsMap()) << key;
    // .pre exists in every pipeline, whatever stages the project declares.
    if (entry.second["stage"]) {
      EXPECT_NE(entry.second["stage"].as<std::string>(), "test") << key;
    }
  }
}

TEST(GitlabTemplate, DeclaresNoGlobalKeys) {
  expect_no_global_keys(
      YAML::LoadFile((kSource / "ci-examples/gitlab/gate.gitlab-ci.yml").string()));
  std::vector<YAML::Node> component =
      YAML::LoadAll(test::read_file(kSource / "ci-examples/gitlab/component/templates/gate.yml"));
  ASSERT_EQ(component.size(), 2u);
  expect_no_global_keys(component[1]);
  EXPECT_EQ(component[0]["spec"]["inputs"]["stage"]["default"].as<std::string>(), ".pre");
  EXPECT_EQ(component[0]["spec"]["inputs"]["pipelines"]["options"].size(), 3u);
}

// gate check reads the merge request's approvals itself: no job builds a file for it, and the
// gate job passes none (docs/approvals.md; the API errors are tested in tests/process).
TEST(GitlabTemplate, NeedsNoApprovalsJob) {
  YAML::Node doc = YAML::LoadFile((kSource / "ci-examples/gitlab/gate.gitlab-ci.yml").string());
  std::vector<YAML::Node> component =
      YAML::LoadAll(test::read_file(kSource / "ci-examples/gitlab/component/templates/gate.yml"));
  ASSERT_EQ(component.size(), 2u);
  for (const YAML::Node& jobs : {doc, component[1]}) {
    EXPECT_FALSE(jobs["gate-approvals"]);
    EXPECT_FALSE(jobs["gate"]["needs"]);
    for (const auto& line : jobs["gate"]["script"]) {
      EXPECT_EQ(line.as<std::string>().find("--approvals"), std::string::npos) << line;
    }
  }
  EXPECT_EQ(component[1]["gate"]["variables"]["GATE_APPROVALS_RESET_ON_PUSH"].as<std::string>(),
            "$[[ inputs.approvals-reset-on-push ]]");
}

// A signed pipeline pushes its note with GATE_PUSH_TOKEN to the project (here a bare repository
// standing in for it: git's url.insteadOf maps the project's URL there); without a token the job
// fails unless GATE_PUSH_NOTES is best-effort, and a blocked change keeps its exit code 1.
TEST(GitlabTemplate, ASignedRunPushesItsNoteAndFailsClosedWithoutAPushToken) {
  YAML::Node doc = YAML::LoadFile((kSource / "ci-examples/gitlab/gate.gitlab-ci.yml").string());
  Scenario s;
  test::TempDir runner;
  fs::path origin = runner / "origin.git";
  test::run({"git", "init", "-q", "--bare", origin.string()});
  s.repo.git({"remote", "add", "origin", origin.string()});
  s.repo.git({"push", "-q", "origin", "main", "retrain"});
  test::write_file(runner / ".gitconfig",
                   "[url \"" + origin.string() +
                       "\"]\n\tinsteadOf = https://gate-ci:glpat-push@gitlab.example.com:443/"
                       "acme/ml/widgets.git\n");
  std::map<std::string, std::string> env = merge_request_environment(s, runner.path());
  env["GATE_SIGNING_KEY"] = attest::PrivateKey::generate(attest::KeyType::ed25519).pkcs8_pem();
  env["CI_SERVER_HOST"] = "gitlab.example.com";
  env["CI_SERVER_PORT"] = "443";
  env["CI_SERVER_PROTOCOL"] = "https";

  // Without a push token: the note stays in the runner and the job fails.
  test::RunResult unpushed = run_gitlab_job(doc, "gate", env, s.repo.path());
  EXPECT_EQ(unpushed.exit_code, 2) << unpushed.err;
  EXPECT_NE(unpushed.err.find("set GATE_PUSH_TOKEN"), std::string::npos) << unpushed.err;
  env["GATE_PUSH_NOTES"] = "best-effort";
  EXPECT_EQ(run_gitlab_job(doc, "gate", env, s.repo.path()).exit_code, 1);
  EXPECT_NE(test::run({"git", "--git-dir", origin.string(), "notes", "--ref", "refs/notes/gate",
                       "list", s.head})
                .exit_code,
            0);

  env["GATE_PUSH_NOTES"] = "\x01unset";
  env["GATE_PUSH_TOKEN"] = "glpat-push";
  test::RunResult pushed = run_gitlab_job(doc, "gate", env, s.repo.path());
  EXPECT_EQ(pushed.exit_code, 1) << pushed.err;  // blocked, and the evidence of it kept
  test::RunResult note = test::run(
      {"git", "--git-dir", origin.string(), "notes", "--ref", "refs/notes/gate", "list", s.head},
      env);
  EXPECT_EQ(note.exit_code, 0) << note.err;
}

TEST(GitlabMergeRequest, ComponentWithInputsGivesTheSameReports) {
  std::string text = test::read_file(kSource / "ci-examples/gitlab/component/templates/gate.yml");
  std::vector<YAML::Node> docs = YAML::LoadAll(text);
  ASSERT_EQ(docs.size(), 2u);  // spec, then the jobs
  const YAML::Node& inputs = docs[0]["spec"]["inputs"];
  std::map<std::string, std::string> values;
  for (const auto& input : inputs) {
    values["$[[ inputs." + input.first.as<std::string>() + " ]]"] =
        input.second["default"].as<std::string>();
  }
  GitlabRun run = run_gitlab_pipeline(docs[1], values);
  EXPECT_EQ(run.gate.exit_code, 1) << run.gate.err;
  test::expect_golden("e2e-gitlab.junit.xml", run.junit);
  test::expect_golden("e2e-gitlab.codequality.json", run.codequality);
}

}  // namespace
}  // namespace gate

namespace gate {
namespace {

// Acceptance: SARIF from a run with findings of every rule family passes the SARIF 2.1.0 schema.
TEST(SarifEveryFamily, RealFindingsOfEveryFamilyValidate) {
  test::GitRepo repo;
  repo.write(".gate/policy.yaml",
             "version: 1\n"
             "assets:\n"
             "  data: { paths: [\"data/**\"] }\n"
             "  model: { paths: [\"models/**\"] }\n"
             "rules:\n"
             "  - id: no-private-keys\n    type: forbidden-paths\n    paths: [\"**/*.pem\"]\n"
             "  - id: no-personal-data\n    type: data-pii\n    assets: [data]\n"
             "  - id: safe-models\n    type: model-serialization\n    assets: [model]\n"
             "  - id: commit-hygiene\n    type: commit-message\n    dco: true\n");
  repo.write("README.md", "demo\n");
  repo.commit("Start\n\nSigned-off-by: Ada Lovelace <ada@example.com>");
  std::string base = repo.head();
  repo.write("keys/server.pem", "-----BEGIN PRIVATE KEY-----\n");
  repo.write("data/users.csv",
             "name,email,phone\nAlice,alice.smith@acme-corp.io,+44 20 7946 0958\n");
  repo.write("models/model.pkl", "cos\nsystem\n(S'echo pwned'\ntR.");
  repo.commit("Add things without sign-off");

  test::TempDir out;
  test::RunResult r = test::run_gate(
      {"check", "--base", base, "--format", "sarif=" + (out / "gate.sarif").string()}, {},
      repo.path());
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto doc = nlohmann::json::parse(test::read_file(out / "gate.sarif"));
  std::map<std::string, size_t> results;
  for (const auto& run : doc["runs"]) {
    results[run["automationDetails"]["id"].get<std::string>()] = run["results"].size();
  }
  for (const char* family : {"gate/code/", "gate/data/", "gate/model/", "gate/process/"}) {
    EXPECT_GE(results[family], 1u) << family;
  }
  test::RunResult valid = validate_sarif_file(out / "gate.sarif");
  EXPECT_EQ(valid.exit_code, 0) << valid.err;
}

}  // namespace
}  // namespace gate

namespace gate {
namespace {

// The action with no inputs at all (its entrypoint's own defaults), and with a signing key: the
// attestation file, its output and the git note.
TEST(GithubAction, DefaultsAndSigning) {
  Scenario s;
  test::TempDir runner;
  std::string payload = test::read_file(kSource / "tests/ci/fixtures/github_pull_request.json");
  payload = replace_all(payload, "2222222222222222222222222222222222222222", s.base);
  payload = replace_all(payload, "1111111111111111111111111111111111111111", s.head);
  test::write_file(runner / "event.json", payload);
  std::map<std::string, std::string> env = clean_environment();
  for (const auto& [key, value] :
       std::map<std::string, std::string>{{"HOME", runner.path().string()},
                                          {"GITHUB_ACTIONS", "true"},
                                          {"GITHUB_EVENT_NAME", "pull_request"},
                                          {"GITHUB_EVENT_PATH", (runner / "event.json").string()},
                                          {"GITHUB_REPOSITORY", "acme/widgets"},
                                          {"GITHUB_WORKSPACE", s.repo.dir()},
                                          {"GITHUB_OUTPUT", (runner / "output").string()},
                                          {"GATE_BINARY", GATE_BINARY}}) {
    env[key] = value;
  }
  std::string entrypoint = (kSource / "ci-examples/github/action-entrypoint.sh").string();
  test::RunResult plain = test::run({"bash", entrypoint}, env, s.repo.path());
  EXPECT_EQ(plain.exit_code, 1) << plain.err;
  EXPECT_NE(plain.out.find("::error file=keys/a%3A%3Ab%2C50%25.pem"), std::string::npos);
  EXPECT_NE(plain.out.find("no-private-keys"), std::string::npos);

  ASSERT_EQ(test::run_gate({"keygen", "--out", (runner / "signing").string()}).exit_code, 0);
  env["INPUT_SIGN-KEY"] = test::read_file(runner / "signing.key");
  env["INPUT_FORMATS"] = "github";
  test::write_file(runner / "output", "");
  // The note goes to origin (push-notes defaults to true): a bare repository here.
  fs::path origin = runner / "origin.git";
  ASSERT_EQ(test::run({"git", "init", "--quiet", "--bare", origin.string()}).exit_code, 0);
  s.repo.git({"remote", "add", "origin", origin.string()});
  test::RunResult signed_run = test::run({"bash", entrypoint}, env, s.repo.path());
  EXPECT_EQ(signed_run.exit_code, 1) << signed_run.err;
  std::string outputs = test::read_file(runner / "output");
  EXPECT_NE(outputs.find("\ngate-attestation.json\n"), std::string::npos) << outputs;
  EXPECT_TRUE(fs::exists(s.repo.path() / "gate-attestation.json"));
  std::string note = s.repo.git({"notes", "--ref", "gate", "show", s.head});
  EXPECT_EQ(
      test::run({"git", "--git-dir", origin.string(), "notes", "--ref", "gate", "show", s.head})
          .out,
      note);

  // A push that cannot succeed fails the step (exit 2) unless it is best-effort.
  s.repo.git({"remote", "set-url", "origin", (runner / "gone.git").string()});
  test::RunResult unpushed = test::run({"bash", entrypoint}, env, s.repo.path());
  EXPECT_EQ(unpushed.exit_code, 2) << unpushed.err;
  env["INPUT_PUSH-NOTES"] = "best-effort";
  test::RunResult best_effort = test::run({"bash", entrypoint}, env, s.repo.path());
  EXPECT_EQ(best_effort.exit_code, 1) << best_effort.err;
  EXPECT_NE(best_effort.out.find("::warning::the attestation note was not pushed"),
            std::string::npos)
      << best_effort.out;
}

}  // namespace
}  // namespace gate
