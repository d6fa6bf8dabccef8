#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <memory>

#include "gate/cli/check_attest.hpp"
#include "gate/cli/landing_link.hpp"
#include "gate/cli/commands.hpp"
#include "gate/engine/check.hpp"
#include "gate/report/ci_reports.hpp"
#include "gate/report/reporter.hpp"
#include "gate/types/atomic_write.hpp"
#include "gate/types/errors.hpp"
#include "gate/types/params.hpp"
#include "rules/code/secrets/prefilter_cache.hpp"

namespace gate::cli {

namespace {

struct OutputRequest {
  const Reporter* reporter = nullptr;
  std::string file;  // empty: stdout
  bool to_stderr = false;
};

struct CheckCommandOptions {
  CheckRequest request;
  std::optional<std::string> base;
  std::optional<std::string> head;
  std::optional<std::string> policy;
  std::optional<std::string> approvals;
  std::vector<std::string> formats;
  std::optional<std::string> output;
  unsigned threads = 0;
  std::string mode = "enforce";
  std::string max_diff_size = "64MiB";
  bool no_github = false;
};

std::string known_formats() {
  std::string names;
  for (const auto& r : reporters()) names += (names.empty() ? "" : ", ") + r.name;
  return names;
}

bool github_feedback_on(const CheckCommandOptions& options, const CiContext& context) {
  return context.provider == "github" && !options.no_github;
}

// Under GitHub Actions annotations, step summary and outputs are written whatever --format
// asks for. The annotations go to stdout, or to stderr (the runner reads workflow commands on
// both) when stdout already carries a machine-readable report they would corrupt.
void add_github_feedback(const CheckCommandOptions& options, const CiContext& context,
                         std::vector<OutputRequest>& outputs) {
  if (!github_feedback_on(options, context)) return;
  bool stdout_is_data = false;
  for (const auto& out : outputs) {
    if (out.reporter->name == "github") return;
    if (out.file.empty() && out.reporter->name != "text") stdout_is_data = true;
  }
  outputs.push_back({find_reporter("github"), "", stdout_is_data});
}

// Parses --format NAME[=FILE] (repeatable) and --output FILE (for a single format without =FILE).
std::vector<OutputRequest> plan_outputs(const CheckCommandOptions& options,
                                        const CiContext& context) {
  std::vector<std::string> formats = options.formats;
  if (formats.empty()) formats.push_back("text");
  std::vector<OutputRequest> outputs;
  size_t to_stdout = 0;
  for (const auto& spec : formats) {
    size_t eq = spec.find('=');
    std::string name = spec.substr(0, eq);
    const Reporter* reporter = find_reporter(name);
    if (!reporter) {
      throw InputError("unknown report format '" + name + "'", "use one of: " + known_formats());
    }
    OutputRequest out{reporter, eq == std::string::npos ? "" : spec.substr(eq + 1)};
    if (eq != std::string::npos && out.file.empty()) {
      throw InputError("--format " + spec + " names no file", "write NAME=FILE or just NAME");
    }
    if (out.file.empty()) ++to_stdout;
    outputs.push_back(out);
  }
  if (options.output) {
    if (to_stdout != 1 || options.formats.size() > 1) {
      throw InputError("--output goes with exactly one --format",
                       "use --format NAME=FILE for each report instead");
    }
    for (auto& out : outputs) {
      if (out.file.empty()) out.file = *options.output;
    }
  }
  add_github_feedback(options, context, outputs);
  return outputs;
}

bool stdout_wants_color() {
  if (std::getenv("NO_COLOR") != nullptr) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string(term) == "dumb") return false;
  return isatty(STDOUT_FILENO) == 1;
}

// Appends bytes to a file the CI runner owns, in one write so a step never leaves half a record.
void append_file(const FileAppend& append) {
  int fd = ::open(append.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw InputError(append.path, 0, 0, std::string("cannot open: ") + std::strerror(errno));
  }
  size_t written = 0;
  int error = 0;
  while (written < append.bytes.size() && error == 0) {
    ssize_t n = ::write(fd, append.bytes.data() + written, append.bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) error = n < 0 ? errno : EIO;
    if (n > 0) written += static_cast<size_t>(n);
  }
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error != 0) {
    throw InputError(append.path, 0, 0, std::string("cannot write: ") + std::strerror(error));
  }
}

// gather → judge → sign → prepare → commit (docs/architecture.md). Nothing is visible before
// commit; commit writes the audit log first, so whatever a verifier could accept is in the log.
int run(CheckCommandOptions& options, AttestStage& attest) {
  Environment env = process_environment();
  // Gathered here so the secrets rule reads no environment while judging.
  secrets::set_pattern_cache_dir(secrets::default_pattern_cache_dir(env));
  CheckRequest request = options.request;
  request.context = detect_context(env);
  request.base = options.base;
  request.head = options.head;
  request.policy_file = options.policy;
  request.approvals_file = options.approvals;
  request.forge = forge::forge_access(env, request.context);
  request.threads = options.threads;
  request.mode = parse_mode(options.mode).value_or(Mode::enforce);
  try {
    request.max_diff_bytes = parse_size(options.max_diff_size);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--max-diff-size: ") + e.what(), "e.g. --max-diff-size 64MiB");
  }
  request.now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  std::vector<OutputRequest> outputs = plan_outputs(options, request.context);
  attest.load_keys(request.repo);

  // Gather and judge.
  git::Repository repo;
  Decision decision = run_check(request, &repo);
  if (decision.landing) cli::link_landed_decision(repo.get(), *decision.landing);
  // Sign, in memory.
  std::optional<SignedDecision> signed_decision = attest.sign(decision, request.now);

  // Prepare: every place written below is created or checked now.
  std::vector<StagedFile> files;
  std::vector<const OutputRequest*> file_outputs;
  for (const auto& out : outputs) {
    if (out.file.empty()) continue;
    files.emplace_back(out.file);
    file_outputs.push_back(&out);
  }
  if (signed_decision) attest.prepare(*signed_decision, repo.get());

  // Commit: the log, then the attestation file and note, then reports and CI outputs.
  RenderOptions file_options;
  if (signed_decision) file_options.attestation = attest.append_to_log();
  RenderOptions stdout_options = file_options;
  stdout_options.color = stdout_wants_color();
  for (size_t i = 0; i < files.size(); ++i) {
    files[i].write(file_outputs[i]->reporter->render(decision, file_options));
  }
  std::string for_stdout;
  std::string for_stderr;
  std::vector<FileAppend> appends;
  for (const auto& out : outputs) {
    if (out.to_stderr) {
      for_stderr += out.reporter->render(decision, file_options);
    } else if (out.file.empty()) {
      for_stdout += out.reporter->render(decision, stdout_options);
    }
    if (out.reporter->publish) {
      for (auto& append : out.reporter->publish(decision, file_options, env)) {
        appends.push_back(std::move(append));
      }
    }
  }
  if (signed_decision) attest.publish();
  for (auto& file : files) file.publish();
  for (const auto& append : appends) append_file(append);
  std::cout << for_stdout << std::flush;
  std::cerr << for_stderr << std::flush;
  return decision.exit_code;
}

// An exit-2 error under GitHub Actions also becomes an annotation, outputs and a summary; the
// error itself still reaches stderr and the exit code through the caller.
void report_error_to_github(const CheckCommandOptions& options, const GithubError& error) {
  Environment env = process_environment();
  CiContext context;
  try {
    context = detect_context(env);
  } catch (const InputError&) {
    context.provider = env("GITHUB_ACTIONS").value_or("") == "true" ? "github" : "local";
  }
  if (!github_feedback_on(options, context)) return;
  std::cout << render_github_error(error) << std::flush;
  try {
    for (const auto& append : publish_github_error(error, env)) append_file(append);
  } catch (const std::exception& e) {
    spdlog::warn("{}", e.what());
  }
}

int run_reporting_errors(CheckCommandOptions& options, AttestStage& attest) {
  try {
    return run(options, attest);
  } catch (const InputError& e) {
    report_error_to_github(options, {e.message(), e.hint(), e.file(), e.line()});
    throw;
  } catch (const RuleError& e) {
    report_error_to_github(options,
                           {std::string("a rule could not evaluate: ") + e.what(), "", "", 0});
    throw;
  } catch (const std::exception& e) {
    report_error_to_github(options, {e.what(), "", "", 0});
    throw;
  }
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CheckCommandOptions>();
  auto attest = std::make_shared<AttestStage>();
  CLI::App* check = app.add_subcommand(
      "check",
      "Judge the change merge-base(base, head)..head against the policy of the base revision.\n"
      "Exit 0: pass; 1: blocked (an unwaived error finding); 2: unusable input.");
  check->add_option("--repo", options->request.repo, "Repository to judge")->capture_default_str();
  check->add_option("--base", options->base,
                    "Target revision (default: the CI's target or default branch, else "
                    "origin/HEAD, main or master)");
  check->add_option("--head", options->head, "Revision under review (default: HEAD)");
  check->add_option("--policy", options->policy,
                    "Judge with this policy file instead of the base revision's (local trials)");
  check
      ->add_option("--format", options->formats,
                   "Decision format NAME[=FILE], repeatable: " + known_formats())
      ->take_all()
      ->allow_extra_args(false);
  check->add_option("--output", options->output, "Write the single report to FILE");
  check
      ->add_option("--mode", options->mode,
                   "enforce (block on errors) or warn (report only; exit 0)")
      ->check(CLI::IsMember({"enforce", "warn"}))
      ->capture_default_str();
  check->add_option("--approvals", options->approvals,
                    "Review approvals collected by a prior CI step (docs/approvals.md)");
  check->add_option("--threads", options->threads, "Worker threads (default: one per core)");
  check
      ->add_option("--max-diff-size", options->max_diff_size,
                   "Text files larger than this get no line diff; rules stream them instead")
      ->capture_default_str();
  attest->add_options(*check);
  check->add_flag("--no-github", options->no_github,
                  "Under GitHub Actions, write no annotations, step summary or outputs unless "
                  "--format github asks for them");
  check->callback(
      [options, attest, &exit_code] { exit_code = run_reporting_errors(*options, *attest); });
}

}  // namespace gate::cli
