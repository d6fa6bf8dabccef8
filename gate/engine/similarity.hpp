#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace gate {

// git's measure of how much of one file another one holds (diffcore-delta): the content is cut
// into spans that end at a newline or after 64 bytes, each span is hashed, and the signature
// counts the bytes of each hash. Text ignores the CR of CRLF. Scores computed from these are
// the ones `git diff -M` shows, so Gate pairs renames exactly as git does.
struct SpanSignature {
  std::vector<uint64_t> spans;  // (hash << 32) | bytes, sorted by hash, one entry a hash
};

SpanSignature span_signature(std::string_view content);

// Bytes of `destination` that `source` holds: for every span hash, the smaller byte count.
uint64_t shared_bytes(const SpanSignature& source, const SpanSignature& destination);

}  // namespace gate
