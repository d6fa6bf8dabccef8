#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "attest/log_store.hpp"
#include "attest/remote_log.hpp"
#include "gate/cli/log_verdict.hpp"

// `gate log ...` and `gate verify` against a `gate log serve` (--log http(s)://...): the same
// commands and output as on a file, every answer checked against the pinned log key.
namespace gate::cli {

struct RemoteLogFlags {
  std::string log_pub;    // --log-pub (else $GATE_LOG_PUB): required
  std::string log_state;  // --log-state (else $GATE_LOG_STATE, else the git dir)
  std::string repository = ".";
};

// The URL when `log_flag` (else $GATE_LOG) names a log service rather than a file.
std::optional<std::string> remote_log_url(const std::string& log_flag);

attest::RemoteLog open_remote_log(const std::string& url, const RemoteLogFlags& flags);

// nullopt when the log (as `log` has accepted it) extends the checkpoint in `note` (a file the
// user kept, named `name`); else why not.
std::optional<std::string> remote_log_extends(attest::RemoteLog& log, const std::string& note,
                                              const std::string& name,
                                              const attest::PublicKey& log_key);

struct RemoteVerifyRequest {
  std::vector<std::string> trust;
  std::string checkpoint;  // --checkpoint OLD
  WitnessFlags witness;
};
// `gate log verify` of a service: "log OK ..." exit 0, "log BROKEN ..." exit 1.
int run_remote_verify(const std::string& url, const RemoteLogFlags& flags,
                      const RemoteVerifyRequest& request);
int run_remote_checkpoint(const std::string& url, const RemoteLogFlags& flags);
int run_remote_inclusion(const std::string& url, const RemoteLogFlags& flags, uint64_t seq,
                         uint64_t size);
int run_remote_consistency(const std::string& url, const RemoteLogFlags& flags, uint64_t old_size,
                           uint64_t new_size);
int run_remote_show(const std::string& url, const RemoteLogFlags& flags, uint64_t seq);
int run_remote_export(const std::string& url, const RemoteLogFlags& flags, const std::string& out);
// Every matching entry (all pages), as a local query returns them (columns, no envelope).
std::vector<attest::LogEntry> remote_query(const std::string& url, const RemoteLogFlags& flags,
                                           const attest::LogQuery& query);

}  // namespace gate::cli
