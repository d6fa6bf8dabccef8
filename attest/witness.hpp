#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "attest/keys.hpp"
#include "attest/sqlite.hpp"

// A C2SP tlog-witness: it keeps, per log origin, the latest checkpoint it cosigned, and cosigns a
// new one only when a consistency proof shows it extends that one. Rollbacks (a smaller size),
// split views (another root for the same size) and rewritten logs (a proof that fails) are
// refused. The HTTP listener is `gate log witness`; this is the part it calls, without I/O but
// the state file.
namespace gate::attest {

struct WitnessReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class Witness {
 public:
  // `logs`: origin -> the log's public key. The state lives in a SQLite file at `state_path`.
  Witness(std::string name, PrivateKey key, std::map<std::string, PublicKey> logs,
          const std::string& state_path);

  // Answers one add-checkpoint body as tlog-witness says: 200 with the cosignature line, 400,
  // 403, 404, 409 (text/x.tlog.size) or 422. `now` is the cosignature timestamp.
  WitnessReply add_checkpoint(std::string_view body, uint64_t now);

  const std::string& name() const { return name_; }

 private:
  std::string name_;
  PrivateKey key_;
  std::map<std::string, PublicKey> logs_;
  std::string state_path_;
  sql::Db db_;
};

}  // namespace gate::attest
