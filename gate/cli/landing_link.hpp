#pragma once

#include <git2.h>

#include "gate/types/evidence.hpp"

namespace gate::cli {

// Links the decision about the change a commit landed from: the latest attestation kept in
// refs/notes/gate for `landing.change_head` (fetched from the remote before the run), its
// envelope's SHA-256, verdict and time. Nothing is linked when there is no such note or it is
// not a Gate decision about that commit (the run still judges the landed commit on its own).
void link_landed_decision(git_repository* repo, Landing& landing);

}  // namespace gate::cli
