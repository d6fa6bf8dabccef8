#include "rules/code/forbidden_paths.hpp"

namespace gate::rules {

namespace {

class ForbiddenPaths : public Rule {
 public:
  RuleResult evaluate(const RuleContext& context) const override {
    RuleResult result;
    size_t judged = 0;
    for (const auto& file : context.change.files) {
      if (file.deleted() || !context.in_scope(file)) continue;
      ++judged;
      // The rule's own `paths` is its scope; every file that reaches here matches one.
      Finding f = context.finding(file.path, "'" + file.path + "' is a forbidden path (" +
                                                 std::string(to_string(file.status)) + ")");
      f.fingerprint_basis = "forbidden:" + file.path;
      f.security = true;
      result.findings.push_back(std::move(f));
    }
    if (judged == 0) result.skipped = "no added or changed file matches the forbidden paths";
    return result;
  }
};

}  // namespace

RuleType forbidden_paths_type() {
  RuleType type;
  type.name = "forbidden-paths";
  type.family = "code";
  type.summary = "Blocks adding or changing files at forbidden paths (keys, .env files, dumps).";
  type.parameters = {
      {"paths", "list of globs", "the forbidden paths (required; this is the rule's scope)", true},
  };
  type.example =
      "- id: no-private-keys\n"
      "  type: forbidden-paths\n"
      "  severity: error\n"
      "  paths: [\"**/*.pem\", \"**/id_rsa\", \"**/.env\"]\n";
  type.security = true;
  type.factory = [](const Params& params, const PolicyRule& spec) -> std::shared_ptr<const Rule> {
    if (spec.scope.paths.empty()) {
      params.fail("paths", "is required for forbidden-paths",
                  "list the forbidden globs, e.g. paths: [\"**/*.pem\"]");
    }
    params.finish();
    return std::make_shared<ForbiddenPaths>();
  };
  return type;
}

}  // namespace gate::rules
