#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/engine/engine.hpp"
#include "gate/types/decision.hpp"
#include "gate/types/blob_source.hpp"
#include "gate/types/changeset.hpp"
#include "gate/types/glob.hpp"
#include "gate/types/policy.hpp"

namespace gate {

// Applies the waivers file and the fingerprint ignore list named by the policy: marks accepted
// findings as waived (still reported), adds a warning finding for each expired waiver, and
// returns every waiver with how many findings it accepted. Throws InputError for a malformed
// waivers or ignore file (file:line: what is wrong).
std::vector<WaiverRecord> apply_waivers(Evaluation& evaluation, const Policy& policy,
                                        const ChangeSet& change, const BlobSource& blobs,
                                        int64_t now);

// One entry of the waivers file (docs/waivers.md).
struct Waiver {
  std::string rule;
  std::vector<std::string> paths;  // globs; empty when only `fingerprint` is given
  GlobList globs;
  std::string fingerprint;  // lowercase hex SHA-256; empty when only `paths` is given
  std::string reason;
  std::string approved_by;
  std::string expires;      // YYYY-MM-DD, valid through the end of that day (UTC)
  int64_t expires_end = 0;  // first second after the expiry day
  uint32_t line = 0;
};

// One line of the ignore list: `FINGERPRINT`, `RULE:FINGERPRINT` or `RULE:PATH:FINGERPRINT`.
struct IgnoreEntry {
  std::string rule;  // empty: any rule
  std::optional<std::string> path;
  std::string fingerprint;
  uint32_t line = 0;
};

// Parsers, exposed for tests and fuzzing. Throw InputError `file:line:col: what is wrong`.
std::vector<Waiver> parse_waivers(std::string_view text, const std::string& display_path);
std::vector<IgnoreEntry> parse_ignore_list(std::string_view text, const std::string& display_path);

// Which revision waivers and the ignore list are read from (docs/waivers.md): the head only when
// the policy protects them with an error-severity `policy-change` rule, else the base.
Tree waivers_tree(const Policy& policy);

// Rule id of the finding raised for each expired waiver.
inline constexpr const char* kExpiredWaiverRule = "gate.expired-waiver";

}  // namespace gate
