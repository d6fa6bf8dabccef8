#include "rules/process/commit_message.hpp"

#include <algorithm>
#include <set>

#include "gate/types/text.hpp"
#include "rules/process/approvals.hpp"

namespace gate::rules {

namespace {

struct Settings {
  bool dco = true;
  bool conventional = false;
  std::vector<std::string> types;
  bool scope_required = false;
  uint64_t max_subject = 72;
  bool forbid_fixup = true;
  bool skip_merges = true;
};

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// Code points of valid UTF-8; bytes that are not part of valid UTF-8 count one each.
size_t display_length(std::string_view text) {
  size_t count = 0;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t length = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    bool valid = i + length <= text.size();
    for (size_t k = 1; valid && k < length; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    i += valid ? length : 1;
    ++count;
  }
  return count;
}

// The email of every `Signed-off-by: Name <email>` line of the message (git trailers included).
std::vector<std::string> signoff_emails(const Commit& commit) {
  std::vector<std::string> out;
  auto take = [&](std::string_view value) {
    value = trim(value);
    size_t open = value.rfind('<');
    size_t close = value.rfind('>');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) return;
    out.push_back(ascii_lower(trim(value.substr(open + 1, close - open - 1))));
  };
  for (const auto& trailer : commit.trailers) {
    if (ascii_lower(trailer.key) == "signed-off-by") take(trailer.value);
  }
  for_each_line(commit.message, [&](std::string_view line, uint32_t) {
    constexpr std::string_view key = "signed-off-by:";
    if (line.size() > key.size() && ascii_lower(line.substr(0, key.size())) == key) {
      take(line.substr(key.size()));
    }
  });
  return out;
}

// Empty when `subject` is `type(scope)!: description` with an allowed type.
std::string conventional_problem(std::string_view subject, const Settings& settings) {
  size_t colon = subject.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return "subject is not a Conventional Commit ('type(scope): description')";
  }
  std::string_view head = subject.substr(0, colon);
  if (!head.empty() && head.back() == '!') head.remove_suffix(1);
  std::string_view type = head;
  bool has_scope = false;
  size_t open = head.find('(');
  if (open != std::string_view::npos) {
    if (head.back() != ')' || open + 2 > head.size() - 1) {
      return "subject has a malformed scope: write 'type(scope): description'";
    }
    std::string_view scope = head.substr(open + 1, head.size() - open - 2);
    if (scope.find_first_of("()") != std::string_view::npos || trim(scope).empty()) {
      return "subject has a malformed scope: write 'type(scope): description'";
    }
    has_scope = true;
    type = head.substr(0, open);
  }
  std::string lowered = ascii_lower(type);
  if (std::find(settings.types.begin(), settings.types.end(), lowered) == settings.types.end()) {
    return "subject type '" + std::string(type) + "' is not one of " + join(settings.types, ", ");
  }
  if (settings.scope_required && !has_scope)
    return "subject has no scope: write 'type(scope): ...'";
  std::string_view rest = subject.substr(colon + 1);
  if (rest.empty() || rest.front() != ' ' || trim(rest).empty()) {
    return "subject needs a description after 'type: '";
  }
  return {};
}

class CommitMessage : public Rule {
 public:
  explicit CommitMessage(Settings settings) : settings_(std::move(settings)) {}

  RuleResult evaluate(const RuleContext& context) const override {
    RuleResult result;
    if (context.change.commits.empty()) {
      result.skipped = "the change has no commits";
      return result;
    }
    for (const auto& commit : context.change.commits) {
      std::string short_id = commit.id.substr(0, 12);
      auto add = [&](const std::string& what, const std::string& key) {
        Finding f = context.finding(
            "", "commit " + short_id + " ('" + clip(commit.summary) + "'): " + what);
        f.fingerprint_basis = "commit-message:" + commit.id + ":" + key;
        result.findings.push_back(std::move(f));
      };
      bool merge = commit.parent_count > 1;
      std::string_view subject = trim(commit.summary);
      if (settings_.forbid_fixup) {
        for (std::string_view prefix : {"fixup!", "squash!", "amend!"}) {
          if (subject.substr(0, prefix.size()) == prefix) {
            add("is a " + std::string(prefix) +
                    " commit; squash it before merging "
                    "(git rebase -i --autosquash)",
                "fixup");
          }
        }
      }
      if (merge && settings_.skip_merges) continue;
      if (settings_.dco) {
        std::vector<std::string> emails = signoff_emails(commit);
        std::string author = ascii_lower(trim(commit.author_email));
        if (emails.empty()) {
          add("has no 'Signed-off-by:' line (DCO); add one with git commit -s", "dco");
        } else if (std::find(emails.begin(), emails.end(), author) == emails.end()) {
          add("is signed off by " + join(emails, ", ") + " but authored by " + author +
                  " (DCO needs the author's own sign-off)",
              "dco");
        }
      }
      if (settings_.max_subject > 0) {
        size_t length = display_length(subject);
        if (length > settings_.max_subject) {
          add("subject is " + std::to_string(length) + " characters, more than " +
                  std::to_string(settings_.max_subject),
              "subject-length");
        }
      }
      if (settings_.conventional && subject.substr(0, 8) != "Revert \"") {
        std::string problem = conventional_problem(subject, settings_);
        if (!problem.empty()) add(problem, "conventional");
      }
    }
    return result;
  }

 private:
  static std::string clip(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, 60)) out += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
    if (text.size() > 60) out += "...";
    return out;
  }

  Settings settings_;
};

}  // namespace

RuleType commit_message_type() {
  RuleType type;
  type.name = "commit-message";
  type.family = "process";
  type.summary =
      "Commit hygiene: DCO sign-off by the author, optional Conventional Commits, no "
      "fixup!/squash! commits, subject length.";
  type.parameters = {
      {"dco", "boolean",
       "every commit has a Signed-off-by line with the author's email (default true)", false},
      {"conventional", "boolean", "subjects follow Conventional Commits 1.0 (default false)",
       false},
      {"types", "list of strings",
       "allowed Conventional Commits types (default feat, fix, docs, style, refactor, perf, test, "
       "build, ci, chore, revert)",
       false},
      {"require-scope", "boolean", "a Conventional Commits scope is required (default false)",
       false},
      {"max-subject-length", "integer",
       "longest subject in characters; 0 turns it off (default 72)", false},
      {"forbid-fixup", "boolean", "fixup!, squash! and amend! commits are findings (default true)",
       false},
      {"skip-merges", "boolean",
       "merge commits are exempt from DCO, length and Conventional Commits (default true)", false},
  };
  type.example =
      "- id: commit-hygiene\n"
      "  type: commit-message\n"
      "  dco: true\n"
      "  conventional: true\n"
      "  max-subject-length: 72\n";
  type.factory = [](const Params& params, const PolicyRule&) -> std::shared_ptr<const Rule> {
    Settings settings;
    settings.dco = params.boolean_or("dco", true);
    settings.conventional = params.boolean_or("conventional", false);
    settings.types = params.string_list("types");
    if (settings.types.empty()) {
      settings.types = {"feat", "fix",   "docs", "style", "refactor", "perf",
                        "test", "build", "ci",   "chore", "revert"};
    }
    for (auto& t : settings.types) {
      t = ascii_lower(t);
      if (t.empty() || t.find_first_of(" :()!") != std::string::npos) {
        params.fail("types", "'" + t + "' is not a Conventional Commits type",
                    "e.g. types: [feat, fix]");
      }
    }
    settings.scope_required = params.boolean_or("require-scope", false);
    int64_t max = params.integer_or("max-subject-length", 72);
    if (max < 0) params.fail("max-subject-length", "must be 0 (off) or a positive number");
    settings.max_subject = static_cast<uint64_t>(max);
    settings.forbid_fixup = params.boolean_or("forbid-fixup", true);
    settings.skip_merges = params.boolean_or("skip-merges", true);
    params.finish();
    return std::make_shared<CommitMessage>(std::move(settings));
  };
  return type;
}

}  // namespace gate::rules
