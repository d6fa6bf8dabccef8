#pragma once

#include <functional>
#include <string>

#include "gate/types/blob_source.hpp"
#include "rules/model/byte_reader.hpp"
#include "rules/model/scan_issue.hpp"

namespace gate::rules::model {

// Calls `visit` for every regular member of a v7, ustar, GNU or PAX tar archive, named as
// Python's tarfile names it (GNU long names, PAX `path` records), with a stream bounded to the
// member's bytes (what the visitor leaves unread is skipped). Repeated names are each visited;
// links are not (their targets are members of their own). Returns issues for a corrupt archive
// (bad header checksum, truncated member, bad size field, names and links that escape).
using TarVisitor = std::function<void(const std::string& name, uint64_t size, ByteStream& content)>;
ScanIssues walk_tar(ByteReader& in, const TarVisitor& visit);

// Whether the first 512 bytes look like a tar header: a name, a valid checksum and size (the
// ustar magic is not required, as tarfile reads pre-POSIX archives too).
bool looks_like_tar(std::string_view first_block);

}  // namespace gate::rules::model
