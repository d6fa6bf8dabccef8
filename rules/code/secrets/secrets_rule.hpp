#pragma once

#include "rules/registry.hpp"

namespace gate::rules {

// secrets: credentials in what the change adds (docs/rules/secrets.md).
//  - scans the added lines of text files in scope; whole blobs of files too large for line
//    diffs (streamed); printable runs of small files Git marks binary (<= binary-text-limit);
//  - built-in catalogue (secrets/catalogue*.cpp) or a gitleaks v8 configuration read from the
//    BASE revision (`secrets-config`), so a change cannot loosen the rules that judge it;
//  - the secret never leaves the process: messages carry gate::redact(), the fingerprint basis
//    holds nothing derived from the secret (secrets/fingerprint.hpp).
RuleType secrets_type();

}  // namespace gate::rules
