#include "rules/code/co_change.hpp"

#include <set>

namespace gate::rules {

namespace {

std::string directory_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

bool below(const std::string& path, const std::string& directory) {
  return directory.empty() || path.rfind(directory + "/", 0) == 0;
}

class CoChange : public Rule {
 public:
  CoChange(GlobList trigger, GlobList companion, std::vector<std::string> companion_text,
           bool per_directory)
      : trigger_(std::move(trigger)),
        companion_(std::move(companion)),
        companion_text_(std::move(companion_text)),
        per_directory_(per_directory) {}

  RuleResult evaluate(const RuleContext& context) const override {
    RuleResult result;
    std::vector<const FileChange*> triggers;
    std::vector<const FileChange*> companions;
    for (const auto& file : context.change.files) {
      if (!context.in_scope(file)) continue;
      if (trigger_.matches(file.path) ||
          (!file.old_path.empty() && trigger_.matches(file.old_path))) {
        triggers.push_back(&file);
      }
      if (companion_.matches(file.path)) companions.push_back(&file);
    }
    if (triggers.empty()) {
      result.skipped = "no changed file matches 'if'";
      return result;
    }
    std::string wanted;
    for (size_t i = 0; i < companion_text_.size(); ++i) {
      wanted += (i ? ", " : "") + companion_text_[i];
    }
    if (!per_directory_) {
      if (!companions.empty()) return result;
      for (const FileChange* file : triggers) {
        Finding f =
            context.finding(file->path, "'" + file->path + "' changed but no file matching " +
                                            wanted + " changed with it");
        f.fingerprint_basis = "co-change:" + file->path;
        result.findings.push_back(std::move(f));
      }
      return result;
    }
    std::set<std::string> reported;
    for (const FileChange* file : triggers) {
      std::string directory = directory_of(file->path);
      bool satisfied = false;
      for (const FileChange* companion : companions) {
        if (companion != file && below(companion->path, directory)) satisfied = true;
      }
      if (satisfied) continue;
      Finding f = context.finding(file->path, "'" + file->path + "' changed but no file matching " +
                                                  wanted + " changed in '" +
                                                  (directory.empty() ? "." : directory) + "'");
      f.fingerprint_basis = "co-change:" + file->path;
      result.findings.push_back(std::move(f));
    }
    return result;
  }

 private:
  GlobList trigger_;
  GlobList companion_;
  std::vector<std::string> companion_text_;
  bool per_directory_;
};

GlobList globs(const Params& params, const std::string& key) {
  std::vector<std::string> patterns = params.string_list(key);
  if (patterns.empty()) {
    params.fail(key, "is required for co-change",
                "give one or more globs, e.g. " + key + ": [\"models/**\"]");
  }
  try {
    return GlobList(patterns);
  } catch (const std::invalid_argument& e) {
    params.fail(key, e.what());
  }
}

}  // namespace

RuleType co_change_type() {
  RuleType type;
  type.name = "co-change";
  type.family = "code";
  type.summary = "When files matching `if` change, a file matching `then` must change too.";
  type.parameters = {
      {"if", "list of globs", "the files whose change triggers the requirement", true},
      {"then", "list of globs", "a file matching one of these must change in the same change",
       true},
      {"per-directory", "boolean",
       "the companion must be in the triggering file's directory or below it (default false)",
       false},
  };
  type.example =
      "- id: model-updates-metrics\n"
      "  type: co-change\n"
      "  if: [\"models/**/*.safetensors\"]\n"
      "  then: [\"models/**/metrics.json\"]\n"
      "  per-directory: true\n";
  type.factory = [](const Params& params, const PolicyRule&) -> std::shared_ptr<const Rule> {
    GlobList trigger = globs(params, "if");
    GlobList companion = globs(params, "then");
    std::vector<std::string> text = params.string_list("then");
    bool per_directory = params.boolean_or("per-directory", false);
    params.finish();
    return std::make_shared<CoChange>(std::move(trigger), std::move(companion), std::move(text),
                                      per_directory);
  };
  return type;
}

}  // namespace gate::rules
