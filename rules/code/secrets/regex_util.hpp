#pragma once

#include <memory>
#include <string>

namespace re2 {
class RE2;
}

namespace gate::secrets {

// Compiles a Go-regexp-style pattern with RE2 (UTF-8, leftmost-first like Go). Returns null and
// sets `error` when RE2 rejects it (lookaround, backreferences, too large...).
std::shared_ptr<const re2::RE2> compile_regex(const std::string& pattern, std::string& error);

// Same, but a pattern that fails is a programming error (built-in patterns): throws logic_error.
std::shared_ptr<const re2::RE2> compile_builtin_regex(const std::string& pattern);

// Why RE2 may reject a pattern gitleaks users wrote, as a hint for the error message.
std::string regex_hint();

}  // namespace gate::secrets
