#include "gate/engine/evidence_loader.hpp"

namespace gate {

Evidence load_evidence(const std::optional<std::string>& approvals_file, const CiContext& context,
                       const ChangeSet& change) {
  (void)change;
  Evidence evidence;
  evidence.author = context.actor;
  if (approvals_file) evidence.approvals_file = *approvals_file;
  return evidence;
}

}  // namespace gate
