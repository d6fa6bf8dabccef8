#include "gate/engine/check.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "gate/engine/changeset_builder.hpp"
#include "gate/engine/engine.hpp"
#include "gate/engine/evidence_loader.hpp"
#include "gate/engine/git_blob_source.hpp"
#include "gate/engine/inventory.hpp"
#include "gate/engine/policy_loader.hpp"
#include "gate/engine/waivers.hpp"
#include "gate/types/errors.hpp"
#include "gate/types/file_read.hpp"
#include "gate/version.hpp"
#include "rules/process/approval_teams.hpp"

namespace gate {

namespace {

const char* kFetchHint =
    "fetch the full history: `fetch-depth: 0` on actions/checkout (GitHub), `GIT_DEPTH: 0` "
    "(GitLab), or `git fetch origin <branch>` locally";

git::Repository open_repo(const std::string& path) {
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, path.c_str(), 0, nullptr) < 0) {
    const git_error* error = git_error_last();
    throw InputError("'" + path + "' is not a git repository" +
                         (error && error->message ? std::string(" (") + error->message + ")" : ""),
                     "run Gate inside a clone or pass --repo DIR");
  }
  return git::Repository(raw);
}

std::string short_id(const std::string& hex) { return hex.substr(0, 12); }

struct Resolved {
  git_oid oid;
  std::string source;
};

Resolved resolve_head(git_repository* repo, const CheckRequest& request) {
  std::string revision = "HEAD";
  std::string source = "default (HEAD)";
  if (request.head) {
    revision = *request.head;
    source = "--head";
  } else if (request.context.head) {
    revision = *request.context.head;
    source = request.context.head_source;
  }
  if (revision == "HEAD" && git_repository_head_unborn(repo) == 1) {
    throw InputError("the repository has no commits yet (its branch is unborn)",
                     "commit something first, or pass --head REV");
  }
  auto oid = git::resolve_commit(repo, revision);
  if (!oid) {
    throw InputError("head revision '" + revision + "' (from " + source +
                         ") does not name a commit in this repository",
                     git_repository_is_shallow(repo) == 1 ? kFetchHint : "check the revision name");
  }
  return {*oid, source};
}

std::optional<std::string> default_base(git_repository* repo) {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo, "refs/remotes/origin/HEAD") == 0) {
    git::Reference ref(raw);
    if (const char* target = git_reference_symbolic_target(ref.get())) return std::string(target);
  }
  for (const char* candidate : {"refs/remotes/origin/main", "refs/remotes/origin/master",
                                "refs/heads/main", "refs/heads/master"}) {
    if (git_reference_lookup(&raw, repo, candidate) == 0) {
      git_reference_free(raw);
      return std::string(candidate);
    }
  }
  return std::nullopt;
}

Resolved resolve_base(git_repository* repo, const CheckRequest& request) {
  std::string revision;
  std::string source;
  if (request.base) {
    revision = *request.base;
    source = "--base";
  } else if (request.context.base) {
    revision = *request.context.base;
    source = request.context.base_source;
  } else if (auto fallback = default_base(repo)) {
    revision = *fallback;
    source = "default branch (" + *fallback + ")";
  } else {
    throw InputError(
        "no base revision: no --base, no CI target, and no origin/HEAD, main or "
        "master branch",
        "pass --base REV (the branch the change will merge into)");
  }
  auto oid = git::resolve_commit(repo, revision);
  if (!oid) {
    bool shallow = git_repository_is_shallow(repo) == 1;
    throw InputError("base revision '" + revision + "' (from " + source + ") is not in this " +
                         (shallow ? "shallow clone" : "repository"),
                     shallow ? kFetchHint : "fetch the target branch or check the revision name");
  }
  return {*oid, source};
}

// A policy path that exists at base but is not a regular file (a symlink, a submodule, a
// directory) would otherwise read as "no policy" and silently fall back to the default.
void refuse_irregular_policy(git_repository* repo, const git_oid& base) {
  git::Commit commit = git::lookup_commit(repo, base);
  git::Tree tree = git::commit_tree(commit.get());
  git_tree_entry* raw = nullptr;
  if (git_tree_entry_bypath(&raw, tree.get(), kPolicyPath) < 0) {
    git_error_clear();
    return;
  }
  git::TreeEntry entry(raw);
  git_filemode_t mode = git_tree_entry_filemode(entry.get());
  if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) return;
  throw InputError(short_id(git::to_hex(base)) + ":" + kPolicyPath, 0, 0,
                   "is not a regular file (a symlink, directory or submodule); Gate never "
                   "follows links",
                   "commit the policy itself at .gate/policy.yaml");
}

Policy load_policy(const CheckRequest& request, const BlobSource& blobs,
                   const std::string& base_id) {
  if (request.policy_file) {
    Policy policy = parse_policy(read_file_or_throw(*request.policy_file), *request.policy_file);
    policy.source = "file:" + *request.policy_file;
    policy.overridden = true;
    spdlog::warn("judging with {} instead of the base revision's policy (local trial)",
                 *request.policy_file);
    return policy;
  }
  // The policy comes from the base revision: a change cannot weaken the policy that judges it.
  auto text = blobs.read(Tree::base, kPolicyPath, 16u << 20);
  if (!text) {
    spdlog::info("no {} at base {}: using the built-in default policy", kPolicyPath,
                 short_id(base_id));
    return default_policy();
  }
  Policy policy = parse_policy(*text, short_id(base_id) + ":" + kPolicyPath);
  policy.source = "base:" + base_id + ":" + kPolicyPath;
  policy.revision = base_id;
  return policy;
}

}  // namespace

CheckInputs gather(const CheckRequest& request) {
  CheckInputs in;
  in.repo = open_repo(request.repo);
  git_repository* repo = in.repo.get();
  Resolved head = resolve_head(repo, request);
  Resolved base = resolve_base(repo, request);
  in.base_source = base.source;
  in.head_source = head.source;
  const char* workdir = git_repository_workdir(repo);
  in.repository_path = workdir ? workdir : git_repository_path(repo);
  if (workdir) in.workdir = std::filesystem::path(workdir);

  auto started = std::chrono::steady_clock::now();
  auto elapsed_ms = [&started] {
    auto now = std::chrono::steady_clock::now();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - started).count();
    started = now;
    return ms;
  };
  // The policy first: a malformed one fails in milliseconds, before the change set is built.
  if (!request.policy_file) refuse_irregular_policy(repo, base.oid);
  {
    GitBlobSource base_tree(git_repository_path(repo), base.oid, head.oid, base.oid);
    in.policy = load_policy(request, base_tree, git::to_hex(base.oid));
  }

  ChangeSetOptions change_options;
  change_options.threads = request.threads;
  change_options.max_diff_bytes = request.max_diff_bytes;
  in.change = build_changeset(repo, base.oid, head.oid, change_options);
  spdlog::info("change set: {} files, {} commits in {} ms", in.change.files.size(),
               in.change.commits.size(), elapsed_ms());
  git_oid merge_base;
  git_oid_fromstr(&merge_base, in.change.merge_base.c_str());
  in.blobs =
      std::make_unique<GitBlobSource>(git_repository_path(repo), merge_base, head.oid, base.oid);
  for (auto& file : in.change.files) file.assets = in.policy.assets_of(file.path);
  if (in.change.files.empty()) {
    spdlog::warn("the change {}..{} has no file changes", short_id(in.change.merge_base),
                 short_id(in.change.head));
  }
  in.evidence = load_evidence(request.approvals_file, request.context, in.change);
  // Without a file, approvals come from the forge, and only when a rule judges them.
  if (!request.approvals_file && !request.forge.provider.empty() &&
      rules::policy_reads_approvals(in.policy)) {
    std::vector<std::string> teams = rules::teams_for_change(in.policy, in.change, *in.blobs);
    std::unique_ptr<forge::HttpClient> curl;
    forge::HttpClient* http = request.http;
    if (!http) {
      curl = forge::make_curl_client();
      http = curl.get();
    }
    Evidence read =
        forge::read_forge_approvals(request.forge, request.context, in.change, teams, *http);
    if (read.author.empty()) read.author = request.context.actor;
    in.evidence = std::move(read);
  }
  in.inventory = gather_inventory(in.policy, in.change, *in.blobs);
  spdlog::info("policy, evidence and {} inventory items in {} ms", in.inventory.items.size(),
               elapsed_ms());
  return in;
}

Decision judge(const CheckRequest& request, const CheckInputs& in) {
  EvaluateOptions evaluate_options;
  evaluate_options.workdir = in.workdir;
  evaluate_options.now = request.now;
  evaluate_options.threads = request.threads;
  auto started = std::chrono::steady_clock::now();
  Evaluation evaluation =
      evaluate_policy(in.policy, in.change, *in.blobs, in.evidence, evaluate_options);
  spdlog::info("{} rules in {} ms", in.policy.rules.size(),
               std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count());
  std::vector<WaiverRecord> waivers =
      apply_waivers(evaluation, in.policy, in.change, *in.blobs, request.now);

  const Policy& policy = in.policy;
  Decision decision;
  decision.tool_version = kVersion;
  decision.context = request.context;
  decision.repository_path = in.repository_path;
  decision.base = in.change.base;
  decision.head = in.change.head;
  decision.merge_base = in.change.merge_base;
  decision.base_source = in.base_source;
  decision.head_source = in.head_source;
  decision.policy = {policy.source, policy.path, policy.sha256, policy.revision, policy.overridden};
  decision.mode = request.mode;
  decision.files_changed = in.change.files.size();
  decision.commits = in.change.commits.size();
  decision.rename_limit_needed = in.change.rename_limit_needed;
  decision.rules = std::move(evaluation.outcomes);
  decision.findings = std::move(evaluation.findings);
  decision.waivers = std::move(waivers);
  decision.landing = in.evidence.landing;
  decision.inventory = in.inventory;
  finalize(decision);
  return decision;
}

Decision run_check(const CheckRequest& request, git::Repository* repository) {
  CheckInputs inputs = gather(request);
  Decision decision = judge(request, inputs);
  if (repository) *repository = std::move(inputs.repo);
  return decision;
}

}  // namespace gate
