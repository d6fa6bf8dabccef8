#pragma once

#include <cstdint>
#include <vector>

#include "gate/engine/engine.hpp"
#include "gate/report/report.hpp"
#include "gate/types/blob_source.hpp"
#include "gate/types/changeset.hpp"
#include "gate/types/policy.hpp"

namespace gate {

// Applies the waivers file and the fingerprint ignore list named by the policy: marks accepted
// findings as waived (still reported), adds an error finding for each expired waiver, and
// returns every waiver with how many findings it accepted. Throws InputError for a malformed
// waivers or ignore file (file:line: what is wrong).
std::vector<WaiverRecord> apply_waivers(Evaluation& evaluation, const Policy& policy,
                                        const ChangeSet& change, const BlobSource& blobs,
                                        int64_t now);

}  // namespace gate
