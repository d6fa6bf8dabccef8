#pragma once

#include <cstdint>
#include <string>

#include "rules/model/byte_reader.hpp"
#include "rules/model/callable_policy.hpp"
#include "rules/model/model_format.hpp"
#include "rules/model/pickle_scanner.hpp"
#include "rules/model/safetensors.hpp"
#include "rules/model/scan_issue.hpp"

namespace gate::rules::model {

struct ScanOptions {
  CallablePolicy callables = CallablePolicy::with_defaults({}, {});
  uint64_t max_member_size = 1ull << 30;  // uncompressed bytes of one archive member walked
  uint64_t max_members = 100000;          // zip entries
  // Imports on neither list block (otherwise they are warnings).
  bool strict = true;
  // Bytes of a zip kept in memory from its one forward read: members in the head and the central
  // directory in the tail are read from there, the rest from a temporary file.
  size_t zip_head_window = 8u << 20;
  size_t zip_tail_window = 8u << 20;
  PickleLimits pickle;
  SafetensorsLimits safetensors;
};

struct FileScan {
  ModelFormat format = ModelFormat::other;
  ScanIssues issues;
};

// Judges one model file from its bytes: detects the format, walks every pickle it holds and
// validates safetensors and NumPy headers. `open` returns a fresh stream at the start of the
// file each time it is called; the file is read once from start to end, and a second time only
// for a torch zip whose judged members lie outside the windows kept in memory (the bytes between
// the windows then go to a temporary file once; an npz's go there during the first read).
// Memory stays at the windows and fixed buffers. Hostile content yields issues; only a failing
// blob read or temporary file throws.
FileScan scan_model_file(const std::string& path, uint64_t size, const StreamOpener& open,
                         const ScanOptions& options);

// The verdicts on one walked pickle; `where` names it in messages ("pickle", "member 'x.pkl'").
void judge_pickle(const PickleScan& scan, const std::string& where, const ScanOptions& options,
                  ScanIssues& issues);

}  // namespace gate::rules::model
