#pragma once

#include "gate/types/ci_context.hpp"

namespace gate {

Environment process_environment();

// Detects GitHub Actions, GitLab CI or local runs. Throws InputError when the CI's own files
// (e.g. the GitHub event payload) are unreadable or malformed.
CiContext detect_context(const Environment& env);

}  // namespace gate
