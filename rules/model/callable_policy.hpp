#pragma once

#include <string>
#include <vector>

#include "rules/model/pickle_scanner.hpp"

namespace gate::rules::model {

enum class CallableVerdict { allowed, denied, unknown };

// Judges the globals a pickle imports. A pattern `P` matches module `m` and name `n` when
// `m.n == P`, `m == P`, or `m` starts with `P.` (so `os` covers os.system and os.path.join),
// or when it ends in `.*` and `m == P without .*`. Deny wins over allow, so a policy cannot
// allow a denied callable by accident. Names that walk through a dunder (`x.__globals__`,
// `__builtins__.exec`) or reach a dangerous module as an attribute (`pathlib.os`) are always
// denied, whatever the lists say; a handful of exact constructors are always allowed.
class CallablePolicy {
 public:
  CallablePolicy(std::vector<std::string> allow, std::vector<std::string> deny);
  // The built-in lists, extended by the policy's own entries.
  static CallablePolicy with_defaults(const std::vector<std::string>& extra_allow,
                                      const std::vector<std::string>& extra_deny);
  CallableVerdict judge(const PickleGlobal& global) const;

  static const std::vector<std::string>& default_allow();
  static const std::vector<std::string>& default_deny();

 private:
  std::vector<std::string> allow_;
  std::vector<std::string> deny_;
};

}  // namespace gate::rules::model
