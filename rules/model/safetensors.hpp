#pragma once

#include <cstdint>

#include "gate/types/blob_source.hpp"
#include "rules/model/scan_issue.hpp"

namespace gate::rules::model {

struct SafetensorsLimits {
  uint64_t max_header = 100u << 20;  // the reference implementation's own limit
  size_t max_depth = 16;             // JSON nesting accepted in the header
};

// Validates a safetensors file exactly from its header and size; tensor bytes are never read.
// `stream` is positioned at the start of the file; `file_size` is the blob size.
ScanIssues validate_safetensors(ByteStream& stream, uint64_t file_size,
                                const SafetensorsLimits& limits = {});

// Bytes per element of a safetensors dtype name, 0 when unknown.
uint64_t safetensors_dtype_size(const std::string& dtype);

}  // namespace gate::rules::model
