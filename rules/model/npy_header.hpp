#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rules/model/byte_reader.hpp"
#include "rules/model/pickle_scanner.hpp"
#include "rules/model/scan_issue.hpp"

namespace gate::rules::model {

struct NpyHeader {
  int major = 0;
  int minor = 0;
  uint64_t preamble_size = 0;  // magic, version, length and header text
  std::string descr;           // the dtype as written (repr for structured dtypes)
  bool object = false;         // dtype holds Python objects: the payload is a pickle
  bool fortran_order = false;
  std::vector<uint64_t> shape;
  std::optional<uint64_t> item_size;  // bytes per element when the dtype has a fixed size
};

struct NpyScan {
  ScanIssues issues;  // malformed header or payload size
  std::optional<NpyHeader> header;
  std::optional<PickleScan> pickle;  // the object payload, when there is one
};

// Parses a .npy file exactly (magic, version 1-3, the header dict literal with descr,
// fortran_order and shape, nothing else) and checks the payload size; an object payload is
// walked as a pickle. Reads from the start of `in`; `file_size` is the blob size.
NpyScan scan_npy(ByteReader& in, uint64_t file_size, const PickleLimits& limits = {});

}  // namespace gate::rules::model
