// `gate init`: a commented starter .gate/policy.yaml for the repository at hand.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "gate/cli/commands.hpp"
#include "gate/cli/init_layout.hpp"
#include "gate/engine/git.hpp"
#include "gate/engine/policy_loader.hpp"
#include "gate/types/atomic_write.hpp"
#include "gate/types/errors.hpp"
#include "rules/registry.hpp"

namespace gate::cli {

namespace fs = std::filesystem;

namespace {

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

// The model-serialization entry for this repository: formats that cannot run code are allowed;
// pickle-based frameworks found here get the choice spelt out, never an allow entry of ours.
std::string model_serialization_entry(const Detected& found) {
  std::string entry =
      "- id: safe-models\n"
      "  type: model-serialization\n"
      "  assets: [model]\n"
      "  allowed-formats: [safetensors, onnx, numpy, gguf]\n"
      "  # Classes of your own that pickles may construct, e.g.:\n"
      "  # allow: [\"your_package.layers.*\"]\n";
  std::vector<std::string> pickles;
  std::vector<std::string> frameworks;
  for (const auto& file : found.model_files) {
    if (file.format != "pickle" && file.format != "pytorch") continue;
    pickles.push_back(file.path);
    std::string name = file.format == "pytorch" ? "PyTorch" : file.framework;
    if (!name.empty() && !contains(frameworks, name)) frameworks.push_back(name);
  }
  if (pickles.empty()) return entry;
  std::string list;
  for (size_t i = 0; i < pickles.size() && i < 3; ++i) list += (i ? ", " : "") + pickles[i];
  if (pickles.size() > 3) list += ", ...";
  std::string names;
  for (size_t i = 0; i < frameworks.size(); ++i) names += (i ? ", " : "") + frameworks[i];
  entry += "  # This repository keeps pickle-based models (" + list + (names.empty() ? "" : "; ") +
           names +
           ").\n"
           "  # As written, this rule blocks them: loading a pickle runs whatever it names.\n"
           "  # Choose one:\n"
           "  #   1. keep the pickles and allow-list the framework's classes: add pickle (and\n"
           "  #      pytorch) to allowed-formats and, for scikit-learn,\n"
           "  #        allow: [\"sklearn.*\", \"numpy.*\", \"scipy.*\", \"joblib.*\"]\n"
           "  #      (for PyTorch: \"torch.*\", \"collections.OrderedDict\"); anything else a\n"
           "  #      pickle imports still blocks;\n"
           "  #   2. or save models where loading runs no code: safetensors (weights), ONNX\n"
           "  #      (sklearn-onnx, torch.onnx) or skops, and keep this rule as it is.\n";
  return entry;
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
  if (!found.code.empty()) assets += "  code: { paths: " + quoted_list(found.code) + " }\n";
  if (!found.data.empty()) assets += "  data: { paths: " + quoted_list(found.data) + " }\n";
  if (!found.model.empty()) assets += "  model: { paths: " + quoted_list(found.model) + " }\n";
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
       "Model files that would run code when loaded (pickle and friends). Gate reads them as\n"
       "  # bytes and never unpickles anything.",
       model_serialization_entry(found)},
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
  Detected found = detect_layout(root);

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
    for (size_t i = 0; i < folders.size(); ++i) {
      std::string folder = folders[i];
      if (folder.size() > 3 && folder.substr(folder.size() - 3) == "/**")
        folder.resize(folder.size() - 3);
      out += (i ? "," : "") + folder;
    }
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
