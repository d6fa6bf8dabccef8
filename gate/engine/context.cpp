#include "gate/engine/context.hpp"

#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>

#include "gate/types/errors.hpp"

namespace gate {

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

namespace {

std::string value_or(const Environment& env, const std::string& name,
                     const std::string& fallback = {}) {
  auto value = env(name);
  return value && !value->empty() ? *value : fallback;
}

// A commit id as CI systems write it: 40 (SHA-1) or 64 (SHA-256) hex digits. Anything else in
// a variable or payload is refused, so a hostile value never reaches git as an option or a
// revision expression.
bool is_commit_id(std::string_view text) {
  if (text.size() != 40 && text.size() != 64) return false;
  for (char c : text) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

// Git's "no commit" (a new branch was pushed, or GitLab's first pipeline of a branch).
bool is_null_commit(std::string_view text) {
  return !text.empty() && text.find_first_not_of('0') == std::string_view::npos;
}

std::string commit_from_variable(const Environment& env, const std::string& name) {
  std::string value = value_or(env, name);
  if (value.empty() || is_null_commit(value)) return {};
  if (!is_commit_id(value)) {
    throw InputError(
        "environment variable " + name + " is not a commit id: '" + value.substr(0, 80) + "'",
        "the CI sets it to 40 hex digits; unset it or pass --base/--head");
  }
  return value;
}

// Sets `revision`, and `source` to the variable's name, from the first of `names` that holds a
// commit id; leaves both as they are when none does. Later names are not read once one holds one.
void take_commit(const Environment& env, std::initializer_list<const char*> names,
                 std::optional<std::string>& revision, std::string& source) {
  for (const char* name : names) {
    std::string value = commit_from_variable(env, name);
    if (!value.empty()) {
      revision = std::move(value);
      source = name;
      return;
    }
  }
}

// A branch name from the CI, as git check-ref-format accepts it; anything else is refused so a
// hostile value never reaches git as an option or a revision expression.
bool is_branch_name(std::string_view name) {
  if (name.empty() || name.front() == '-' || name.front() == '/' || name.back() == '/' ||
      name.back() == '.' || name.find("..") != name.npos || name.find("@{") != name.npos ||
      name.find("//") != name.npos || name == "@") {
    return false;
  }
  if (name.size() >= 5 && name.substr(name.size() - 5) == ".lock") return false;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ' ' || c == '~' || c == '^' || c == ':' || c == '?' ||
        c == '*' || c == '[' || c == '\\') {
      return false;
    }
  }
  return true;
}

// The tip of a branch as a clone made by the CI holds it: its remote-tracking ref.
void take_branch_tip(const std::string& branch, const std::string& source,
                     std::optional<std::string>& revision, std::string& revision_source) {
  if (revision || branch.empty()) return;
  if (!is_branch_name(branch)) {
    throw InputError(source + " is not a branch name: '" + branch.substr(0, 80) + "'",
                     "pass --base REV (the branch the change will merge into)");
  }
  revision = "refs/remotes/origin/" + branch;
  revision_source = source;
}

std::string strip_prefix(std::string text, std::string_view prefix) {
  if (std::string_view(text).substr(0, prefix.size()) == prefix) text.erase(0, prefix.size());
  return text;
}

// The GitHub event payload (GITHUB_EVENT_PATH): a JSON file written by the runner.
class EventPayload {
 public:
  explicit EventPayload(std::string path) : path_(std::move(path)) {
    std::ifstream in(path_, std::ios::binary);
    if (!in) {
      throw InputError(path_, 0, 0, "cannot read the GitHub event payload (GITHUB_EVENT_PATH)",
                       "run inside GitHub Actions, or unset GITHUB_ACTIONS for a local run");
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    try {
      json_ = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      auto [line, column] = position(text, e.byte);
      throw InputError(path_, line, column, "the GitHub event payload is not valid JSON",
                       "GITHUB_EVENT_PATH must name the event file the runner wrote");
    } catch (const nlohmann::json::exception& e) {  // e.g. a number out of range
      throw InputError(path_, 0, 0,
                       std::string("the GitHub event payload is not valid JSON: ") + e.what(),
                       "GITHUB_EVENT_PATH must name the event file the runner wrote");
    }
    if (!json_.is_object()) {
      throw InputError(path_, 1, 1, "the GitHub event payload is not a JSON object",
                       "GITHUB_EVENT_PATH must name the event file the runner wrote");
    }
  }

  // The string at a '.'-separated path, or nullopt when absent or null.
  std::optional<std::string> text(const std::string& dotted) const {
    const nlohmann::json* node = find(dotted);
    if (!node || node->is_null()) return std::nullopt;
    if (node->is_string()) return node->get<std::string>();
    if (node->is_number_integer()) return std::to_string(node->get<int64_t>());
    throw InputError(path_, 0, 0, "'" + dotted + "' in the GitHub event payload is not a string",
                     "the payload does not have the shape of a GitHub event");
  }

  // A commit id that the event must carry.
  std::string commit(const std::string& dotted, bool allow_null = false) const {
    auto value = text(dotted);
    if (!value) {
      throw InputError(path_, 0, 0, "the GitHub event payload has no '" + dotted + "'",
                       "pass --base and --head, or check that GITHUB_EVENT_NAME matches the event");
    }
    if (allow_null && is_null_commit(*value)) return {};
    if (!is_commit_id(*value)) {
      throw InputError(path_, 0, 0,
                       "'" + dotted + "' in the GitHub event payload is not a commit id",
                       "expected 40 hex digits");
    }
    return *value;
  }

 private:
  std::string path_;
  nlohmann::json json_;

  const nlohmann::json* find(const std::string& dotted) const {
    const nlohmann::json* node = &json_;
    size_t start = 0;
    while (start <= dotted.size()) {
      size_t dot = dotted.find('.', start);
      std::string key = dotted.substr(start, dot == std::string::npos ? dotted.npos : dot - start);
      if (!node->is_object()) return nullptr;
      auto it = node->find(key);
      if (it == node->end()) return nullptr;
      node = &*it;
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return node;
  }

  static std::pair<uint32_t, uint32_t> position(const std::string& text, size_t byte) {
    uint32_t line = 1, column = 1;
    // nlohmann reports the byte after the offending one, 1-based.
    size_t end = std::min(text.size(), byte > 0 ? byte - 1 : 0);
    for (size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return {line, column};
  }
};

// The pull request a merge queue branch is for: GitHub names the branch
// `gh-readonly-queue/<base branch>/pr-<number>-<base sha>`; the base branch may hold slashes.
std::string queued_pull_request(const std::string& head_ref) {
  std::string ref = strip_prefix(head_ref, "refs/heads/");
  if (ref.rfind("gh-readonly-queue/", 0) != 0) return {};
  size_t at = ref.rfind("/pr-");
  if (at == std::string::npos) return {};
  size_t start = at + 4;
  size_t end = start;
  while (end < ref.size() && ref[end] >= '0' && ref[end] <= '9') ++end;
  if (end == start || end - start > 12 || end >= ref.size() || ref[end] != '-') return {};
  return ref.substr(start, end - start);
}

void detect_github(const Environment& env, CiContext& context) {
  context.provider = "github";
  context.event = value_or(env, "GITHUB_EVENT_NAME");
  context.repository = value_or(env, "GITHUB_REPOSITORY");
  context.server_url = value_or(env, "GITHUB_SERVER_URL", "https://github.com");
  context.actor = value_or(env, "GITHUB_ACTOR");
  std::string run_id = value_or(env, "GITHUB_RUN_ID");
  if (!context.repository.empty() && !run_id.empty()) {
    context.run_url = context.server_url + "/" + context.repository + "/actions/runs/" + run_id;
  }

  const std::string& event = context.event;
  // Review events carry the same pull_request object: an approval re-runs the gate.
  bool pull_request = event == "pull_request" || event == "pull_request_target" ||
                      event == "pull_request_review" || event == "pull_request_review_comment";
  bool push = event == "push";
  bool merge_group = event == "merge_group";
  std::string event_path = value_or(env, "GITHUB_EVENT_PATH");
  if ((pull_request || push || merge_group) && event_path.empty()) {
    throw InputError("GITHUB_EVENT_NAME is '" + event + "' but GITHUB_EVENT_PATH is not set",
                     "the runner sets both; outside Actions unset GITHUB_ACTIONS");
  }

  if (pull_request) {
    EventPayload payload(event_path);
    // Never GITHUB_SHA: for pull requests it is a merge commit GitHub made, not the change.
    context.base = payload.commit("pull_request.base.sha");
    context.base_source = "GITHUB_EVENT_PATH pull_request.base.sha";
    context.head = payload.commit("pull_request.head.sha");
    context.head_source = "GITHUB_EVENT_PATH pull_request.head.sha";
    context.change_id =
        payload.text("pull_request.number").value_or(payload.text("number").value_or(""));
    context.target_branch =
        payload.text("pull_request.base.ref").value_or(value_or(env, "GITHUB_BASE_REF"));
  } else if (push) {
    EventPayload payload(event_path);
    std::string before = payload.commit("before", /*allow_null=*/true);
    if (!before.empty()) {
      context.base = before;
      context.base_source = "GITHUB_EVENT_PATH before";
    }
    context.head = payload.commit("after", /*allow_null=*/true);
    context.head_source = "GITHUB_EVENT_PATH after";
    if (context.head->empty()) {  // a branch deletion: nothing to judge at the head
      context.head.reset();
      context.head_source.clear();
    }
    context.target_branch = strip_prefix(payload.text("ref").value_or(""), "refs/heads/");
    context.default_branch = payload.text("repository.default_branch").value_or("");
    // A new branch: judge it against the repository's default branch, as the payload names it.
    take_branch_tip(payload.text("repository.default_branch").value_or(""),
                    "GITHUB_EVENT_PATH repository.default_branch", context.base,
                    context.base_source);
  } else if (merge_group) {
    EventPayload payload(event_path);
    context.base = payload.commit("merge_group.base_sha");
    context.base_source = "GITHUB_EVENT_PATH merge_group.base_sha";
    context.head = payload.commit("merge_group.head_sha");
    context.head_source = "GITHUB_EVENT_PATH merge_group.head_sha";
    context.target_branch =
        strip_prefix(payload.text("merge_group.base_ref").value_or(""), "refs/heads/");
    context.change_id = queued_pull_request(payload.text("merge_group.head_ref").value_or(""));
  } else {
    // Other events (workflow_dispatch, schedule, ...): only the commit the run is for.
    take_commit(env, {"GITHUB_SHA"}, context.head, context.head_source);
    if (!event_path.empty()) {
      EventPayload payload(event_path);
      take_branch_tip(payload.text("repository.default_branch").value_or(""),
                      "GITHUB_EVENT_PATH repository.default_branch", context.base,
                      context.base_source);
    }
  }
}

void detect_gitlab(const Environment& env, CiContext& context) {
  context.provider = "gitlab";
  context.event = value_or(env, "CI_PIPELINE_SOURCE");
  context.repository = value_or(env, "CI_PROJECT_PATH");
  context.server_url = value_or(env, "CI_SERVER_URL", "https://gitlab.com");
  context.run_url = value_or(env, "CI_PIPELINE_URL");
  context.actor = value_or(env, "GITLAB_USER_LOGIN");
  context.change_id = value_or(env, "CI_MERGE_REQUEST_IID");

  if (!context.change_id.empty()) {
    context.target_branch = value_or(env, "CI_MERGE_REQUEST_TARGET_BRANCH_NAME");
    // The policy that judges comes from the target branch's tip, as on GitHub (the change
    // judged stays merge-base..head). Merged-results pipelines name the tip; otherwise it is
    // the remote-tracking ref of the target branch, which the template fetches. The diff base
    // (the merge base) is the last resort, for pipelines that set no target branch name.
    take_commit(env, {"CI_MERGE_REQUEST_TARGET_BRANCH_SHA"}, context.base, context.base_source);
    take_branch_tip(context.target_branch, "CI_MERGE_REQUEST_TARGET_BRANCH_NAME", context.base,
                    context.base_source);
    if (!context.base) {
      take_commit(env, {"CI_MERGE_REQUEST_DIFF_BASE_SHA"}, context.base, context.base_source);
    }
    // In merged-results pipelines CI_COMMIT_SHA is a merge commit GitLab made; the source
    // branch's own head is the change under review.
    take_commit(env, {"CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", "CI_COMMIT_SHA"}, context.head,
                context.head_source);
    return;
  }

  context.target_branch = value_or(env, "CI_COMMIT_BRANCH");
  context.default_branch = value_or(env, "CI_DEFAULT_BRANCH");
  take_commit(env, {"CI_COMMIT_BEFORE_SHA"}, context.base, context.base_source);
  take_branch_tip(value_or(env, "CI_DEFAULT_BRANCH"), "CI_DEFAULT_BRANCH", context.base,
                  context.base_source);
  take_commit(env, {"CI_COMMIT_SHA"}, context.head, context.head_source);
}

}  // namespace

CiContext detect_context(const Environment& env) {
  CiContext context;
  if (value_or(env, "GITHUB_ACTIONS") == "true") {
    detect_github(env, context);
  } else if (value_or(env, "GITLAB_CI") == "true") {
    detect_gitlab(env, context);
  } else {
    context.actor = value_or(env, "USER");
  }
  return context;
}

}  // namespace gate
