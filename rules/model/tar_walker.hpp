#pragma once

#include <functional>
#include <string>

#include "gate/types/blob_source.hpp"
#include "rules/model/byte_reader.hpp"
#include "rules/model/scan_issue.hpp"

namespace gate::rules::model {

// Calls `visit` for every regular member of a ustar/GNU tar archive with a stream bounded to
// the member's bytes (what the visitor leaves unread is skipped). Returns issues for a corrupt
// archive (bad header checksum, truncated member, bad size field, traversal names).
using TarVisitor = std::function<void(const std::string& name, uint64_t size, ByteStream& content)>;
ScanIssues walk_tar(ByteReader& in, const TarVisitor& visit);

// Whether the first 512 bytes look like a tar header (ustar magic and a valid checksum).
bool looks_like_tar(std::string_view first_block);

}  // namespace gate::rules::model
