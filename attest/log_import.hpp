#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "attest/keys.hpp"
#include "attest/log_store.hpp"

// `gate log import`: replays one audit log into another (a SQLite file into PostgreSQL, usually)
// and proves the two are the same log: the same entries in the same order under the same origin
// and log key, so the same roots at every size, and the same signed checkpoints.
namespace gate::attest {

struct ImportOptions {
  size_t batch = 1000;  // entries per append transaction
  // Called after each batch with the entries imported so far and the source's size.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct ImportResult {
  uint64_t skipped = 0;               // entries the target held already (a resumed import)
  uint64_t imported = 0;              // entries appended now
  uint64_t size = 0;                  // the target's size afterwards (= the source's)
  uint64_t checkpoints_compared = 0;  // source checkpoints whose note the target reproduces
  Hash root{};
};

// The target must be empty, or hold a prefix of the source (a resumed import), under the
// source's origin and log key; `log_key` must be the source's log key. Submitters' identities
// come along. Throws InputError when the logs differ or a root does not match, naming both.
ImportResult import_log(LogStore& source, LogStore& target, const PrivateKey& log_key,
                        const ImportOptions& options = {});

}  // namespace gate::attest
