#pragma once

#include "rules/registry.hpp"

namespace gate::rules {

// commit-message: commit hygiene over every commit of the change: DCO sign-off by the author,
// optional Conventional Commits subjects, no fixup!/squash!/amend! commits, a subject length
// limit.
RuleType commit_message_type();

}  // namespace gate::rules
