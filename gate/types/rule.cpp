#include "gate/types/rule.hpp"

#include <algorithm>

namespace gate {

bool RuleContext::path_in_scope(const std::string& path) const {
  const RuleScope& scope = spec.scope;
  if (!scope.exclude.empty() && scope.exclude.matches(path)) return false;
  if (!scope.paths.empty() && !scope.paths.matches(path)) return false;
  if (!scope.assets.empty()) {
    std::vector<std::string> assets = policy.assets_of(path);
    bool any = std::any_of(scope.assets.begin(), scope.assets.end(), [&](const std::string& a) {
      return std::find(assets.begin(), assets.end(), a) != assets.end();
    });
    if (!any) return false;
  }
  return true;
}

bool RuleContext::in_scope(const FileChange& file) const {
  if (!path_in_scope(file.path)) {
    // A rename out of scope still touched a path in scope.
    return !file.old_path.empty() && file.old_path != file.path && path_in_scope(file.old_path);
  }
  return true;
}

Finding RuleContext::finding(const std::string& path, std::string message) const {
  Finding f;
  f.rule_id = spec.id;
  f.rule_type = spec.type;
  f.severity = spec.severity;
  f.path = path;
  f.message = std::move(message);
  return f;
}

}  // namespace gate
