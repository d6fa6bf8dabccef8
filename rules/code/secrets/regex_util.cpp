#include "rules/code/secrets/regex_util.hpp"

#include <re2/re2.h>

#include <stdexcept>

namespace gate::secrets {

std::shared_ptr<const re2::RE2> compile_regex(const std::string& pattern, std::string& error) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  // Go's regexp has no memory cap but gitleaks patterns are small; 32 MiB keeps hostile
  // configurations from exhausting memory while admitting every realistic rule.
  options.set_max_mem(32 << 20);
  auto regex = std::make_shared<const re2::RE2>(pattern, options);
  if (!regex->ok()) {
    error = regex->error();
    return nullptr;
  }
  return regex;
}

std::shared_ptr<const re2::RE2> compile_builtin_regex(const std::string& pattern) {
  std::string error;
  auto regex = compile_regex(pattern, error);
  if (!regex) throw std::logic_error("built-in secrets pattern /" + pattern + "/: " + error);
  return regex;
}

std::string regex_hint() {
  return "patterns use RE2 syntax, as gitleaks' Go regexp does: no lookaround ((?=, (?!, (?<=), "
         "no backreferences (\\1), no possessive quantifiers; repeat counts at most 1000";
}

}  // namespace gate::secrets
