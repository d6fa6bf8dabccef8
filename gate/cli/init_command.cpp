// `gate init`: a commented starter .gate/policy.yaml for the repository at hand.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "gate/cli/commands.hpp"
#include "gate/engine/git.hpp"
#include "gate/engine/policy_loader.hpp"
#include "gate/types/atomic_write.hpp"
#include "gate/types/errors.hpp"
#include "rules/registry.hpp"

namespace gate::cli {

namespace fs = std::filesystem;

namespace {

struct Detected {
  std::vector<std::string> code;  // folders
  std::vector<std::string> data;
  std::vector<std::string> model;
  std::string codeowners;           // path, empty when none
  std::vector<std::string> owners;  // owners of `*` (or `/.gate/`) in CODEOWNERS
  bool gitleaks = false;
};

const std::vector<std::string> kCodeNames = {"src", "lib", "app", "cmd", "pkg", "internal"};
const std::vector<std::string> kDataNames = {"data", "datasets", "dataset"};
const std::vector<std::string> kModelNames = {"models", "model", "checkpoints", "weights"};

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// Folders named like code, data or model folders, at the top and one level below (e.g.
// ml/models), never following symlinks nor entering hidden folders.
void scan_folders(const fs::path& root, Detected& found) {
  std::vector<std::pair<fs::path, int>> pending = {{root, 0}};
  std::vector<std::string> seen;
  while (!pending.empty()) {
    auto [dir, depth] = pending.back();
    pending.pop_back();
    std::error_code ec;
    std::vector<fs::path> children;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_directory(ec) && !entry.is_symlink(ec)) children.push_back(entry.path());
    }
    std::sort(children.begin(), children.end());
    for (const auto& child : children) {
      std::string name = child.filename().string();
      if (name.empty() || name[0] == '.' || name == "node_modules" || name == "build") continue;
      std::string relative = fs::relative(child, root).generic_string();
      if (contains(kCodeNames, name)) found.code.push_back(relative);
      if (contains(kDataNames, name)) found.data.push_back(relative);
      if (contains(kModelNames, name)) found.model.push_back(relative);
      if (depth < 1) pending.push_back({child, depth + 1});
    }
  }
  for (auto* list : {&found.code, &found.data, &found.model}) std::sort(list->begin(), list->end());
}

std::vector<std::string> split_words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string word; in >> word;) {
    if (word[0] == '#') break;
    words.push_back(word);
  }
  return words;
}

void read_codeowners(const fs::path& root, Detected& found) {
  for (const char* candidate :
       {".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"}) {
    std::ifstream in(root / candidate);
    if (!in) continue;
    found.codeowners = candidate;
    // Last match wins in CODEOWNERS, so the last `*` or `/.gate/` line names the owners.
    for (std::string line; std::getline(in, line);) {
      std::vector<std::string> words = split_words(line);
      if (words.size() < 2) continue;
      if (words[0] == "*" || words[0] == "/.gate/" || words[0] == ".gate/") {
        std::vector<std::string> owners;
        for (size_t i = 1; i < words.size(); ++i) {
          if (words[i][0] == '@') owners.push_back(words[i]);
        }
        if (!owners.empty()) found.owners = owners;
      }
    }
    return;
  }
}

std::string quoted_list(const std::vector<std::string>& items, const std::string& suffix = "") {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    out += (i ? ", " : "") + std::string("\"") + items[i] + suffix + "\"";
  }
  return out + "]";
}

std::string indented(const std::string& text, const std::string& prefix) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) out += prefix + line + "\n";
  return out;
}

bool parses(const std::string& text) {
  try {
    parse_policy(text, "generated policy");
    return true;
  } catch (const InputError&) {
    return false;
  }
}

std::string starter_policy(const Detected& found) {
  std::string head;
  head +=
      "# Gate policy: what every change to this repository must satisfy.\n"
      "# Written by `gate init`; edit freely. `gate policy validate` checks it, `gate rules`\n"
      "# lists every rule type and `gate explain RULE-ID` explains a rule. Gate reads this\n"
      "# file from the base revision of a change, so a change never judges itself.\n"
      "version: 1\n\n";
  if (!found.owners.empty()) {
    head += "# Who approves changes to .gate/ (from " + found.codeowners + ").\n";
    head += "owners: " + quoted_list(found.owners) + "\n\n";
  } else {
    head += "# Who approves changes to .gate/, e.g.:\n# owners: [\"@your-org/compliance\"]\n\n";
  }
  head += "# Classes of files (gitignore-style globs); rules can target them with `assets:`.\n";
  std::string assets;
  if (!found.code.empty()) assets += "  code: { paths: " + quoted_list(found.code, "/**") + " }\n";
  if (!found.data.empty()) assets += "  data: { paths: " + quoted_list(found.data, "/**") + " }\n";
  if (!found.model.empty()) {
    assets += "  model: { paths: " + quoted_list(found.model, "/**") + " }\n";
  }
  head += assets.empty() ? "# assets:\n#   data: { paths: [\"data/**\"] }\n" : "assets:\n" + assets;
  head += "\nrules:\n";
  head +=
      "  # Private keys, keystores and .env files never belong in git.\n"
      "  - id: no-private-keys\n"
      "    type: forbidden-paths\n"
      "    severity: error\n"
      "    paths: [\"**/*.pem\", \"**/*.key\", \"**/*.p12\", \"**/id_rsa\", \"**/id_ed25519\", "
      "\"**/.env\"]\n"
      "  # Large files belong in DVC or Git LFS.\n"
      "  - id: no-large-files\n"
      "    type: max-file-size\n"
      "    severity: error\n"
      "    limit: 10MB\n";

  // Further rule types are enabled when the repository has what they judge; each is kept only
  // if it validates, else offered as a comment.
  struct Candidate {
    std::string type;
    bool enable;
    std::string why;
    std::string entry;  // empty: the type's own example
  };
  std::vector<Candidate> candidates = {
      {"secrets", true,
       found.gitleaks ? "Credentials in added lines, with the rules of .gitleaks.toml."
                      : "Credentials in added lines (built-in formats).",
       found.gitleaks ? "- id: no-secrets\n  type: secrets\n  severity: error\n"
                        "  secrets-config: .gitleaks.toml\n"
                      : "- id: no-secrets\n  type: secrets\n  severity: error\n"},
      {"model-serialization", !found.model.empty(),
       "Model files that would run code when loaded (pickle and friends).", ""},
      {"data-pii", !found.data.empty(), "Personal data in data files.", ""},
      {"data-schema", !found.data.empty(), "Data files must match their declared schemas.", ""},
      {"codeowners-approval", !found.codeowners.empty(),
       "Owners in " + (found.codeowners.empty() ? std::string("CODEOWNERS") : found.codeowners) +
           " approve their paths (the CI passes --approvals; see docs/ci.md).",
       ""},
      {"policy-change", !found.owners.empty(),
       "Changes to .gate/ and CODEOWNERS need the owners' approval.", ""},
  };
  std::string active, offered;
  for (const auto& candidate : candidates) {
    const rules::RuleType* type = rules::registry().find(candidate.type);
    if (!type) continue;
    std::string entry = indented(candidate.entry.empty() ? type->example : candidate.entry, "  ");
    std::string block = "  # " + candidate.why + "\n";
    if (candidate.enable && parses(head + active + entry)) {
      active += block + entry;
    } else {
      offered += block + indented(entry, "  #");
    }
  }
  std::string text = head + active;
  if (!offered.empty()) text += "\n  # Ready to enable when they fit this repository:\n" + offered;
  text += "\n  # `gate rules` lists every rule type with an example to paste here.\n";
  return text;
}

struct InitOptions {
  std::string repo = ".";
  bool force = false;
  bool print = false;
};

int run_init(const InitOptions& options) {
  git::Repository repo = git::open_repository(options.repo);
  const char* workdir = git_repository_workdir(repo.get());
  if (!workdir) {
    throw InputError(options.repo, 0, 0, "is a bare repository",
                     "run gate init in a clone with a working tree");
  }
  fs::path root(workdir);
  Detected found;
  scan_folders(root, found);
  read_codeowners(root, found);
  found.gitleaks = fs::exists(root / ".gitleaks.toml");

  std::string text = starter_policy(found);
  parse_policy(text, "generated policy");  // what init writes, check accepts
  if (options.print) {
    std::cout << text;
    return 0;
  }
  fs::path target = root / kPolicyPath;
  if (fs::exists(fs::symlink_status(target)) && !options.force) {
    throw InputError(target.string(), 0, 0, "already exists; gate init leaves it as it is",
                     "pass --force to replace it, or --print to see the starter policy");
  }
  fs::create_directories(target.parent_path());
  write_file_atomically(target.string(), text);
  std::cout << "wrote " << kPolicyPath << " (detected:";
  auto say = [](const std::string& what, const std::vector<std::string>& folders) {
    std::string out = " " + what + " ";
    for (size_t i = 0; i < folders.size(); ++i) out += (i ? "," : "") + folders[i];
    return folders.empty() ? std::string() : out;
  };
  std::string details = say("code", found.code) + say("data", found.data) +
                        say("model", found.model) +
                        (found.codeowners.empty() ? "" : " " + found.codeowners) +
                        (found.gitleaks ? " .gitleaks.toml" : "");
  std::cout << (details.empty() ? " nothing special" : details) << ")\n"
            << "next: review it, `gate policy validate`, commit it; `gate check` judges changes "
               "made after that commit with it\n";
  return 0;
}

}  // namespace

void add_init_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<InitOptions>();
  CLI::App* init =
      app.add_subcommand("init", "Write a commented starter .gate/policy.yaml for this repository");
  init->add_option("--repo", options->repo, "Repository to set up")->capture_default_str();
  init->add_flag("--force", options->force, "Replace an existing .gate/policy.yaml");
  init->add_flag("--print", options->print, "Print the starter policy instead of writing it");
  init->callback([options, &exit_code] { exit_code = run_init(*options); });
}

}  // namespace gate::cli
