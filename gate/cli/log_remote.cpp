#include "gate/cli/log_remote.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "attest/bytes.hpp"
#include "attest/dsse.hpp"
#include "attest/log_json.hpp"
#include "attest/remote_http.hpp"
#include "attest/remote_verify.hpp"
#include "attest/witness_client.hpp"
#include "gate/types/errors.hpp"

namespace gate::cli {

namespace {

std::string hex(const attest::Hash& hash) { return attest::to_hex(hash); }

// The export written to --out appears whole and checked, or not at all.
class PartialFile {
 public:
  explicit PartialFile(const std::string& path)
      : path_(path), temp_(path + ".partial-" + std::to_string(::getpid())) {
    file_.open(temp_, std::ios::binary | std::ios::trunc);
    if (!file_) throw InputError(path, 0, 0, "cannot write the export");
  }
  ~PartialFile() {
    if (!published_) std::remove(temp_.c_str());
  }
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;
  std::ostream& stream() { return file_; }
  void publish() {
    file_.close();
    if (!file_ || std::rename(temp_.c_str(), path_.c_str()) != 0) {
      throw InputError(path_, 0, 0, "cannot write the export");
    }
    published_ = true;
  }

 private:
  std::string path_;
  std::string temp_;
  std::ofstream file_;
  bool published_ = false;
};

// The witnesses cosign the checkpoint the stream closed with, after a consistency proof from the
// tree the client rebuilt itself.
std::optional<std::string> ask_witnesses(const WitnessFlags& flags, const std::string& note,
                                         const attest::merkle::MemoryTree& tree,
                                         attest::LogVerifyResult& result) {
  WitnessPolicy policy = witness_policy(flags);
  if (policy.witnesses.empty()) return std::nullopt;
  attest::ConsistencyProver prove =
      [&tree](uint64_t old_size, uint64_t new_size) -> std::optional<std::vector<attest::Hash>> {
    return attest::merkle::consistency_proof(tree.source(), old_size, new_size);
  };
  std::string refusals;
  for (const auto& witness : policy.witnesses) {
    attest::CosignOutcome outcome = attest::request_cosignature(witness, note, prove);
    if (outcome.kind == attest::CosignOutcome::Kind::conflict) return outcome.message;
    if (outcome.kind == attest::CosignOutcome::Kind::cosigned) {
      ++result.cosigned;
      result.notes.push_back(outcome.message);
    } else {
      refusals += "; " + outcome.message;
    }
  }
  if (result.cosigned >= policy.min_witnesses) return std::nullopt;
  result.unconfirmed = true;
  return std::to_string(result.cosigned) + " of " + std::to_string(policy.witnesses.size()) +
         " witnesses cosigned the latest checkpoint, " + std::to_string(policy.min_witnesses) +
         " needed" + refusals;
}

}  // namespace

std::optional<std::string> remote_log_url(const std::string& log_flag) {
  std::string target = log_flag;
  if (target.empty()) {
    if (const char* env = std::getenv("GATE_LOG"); env && *env) target = env;
  }
  if (attest::is_http_url(target)) return target;
  return std::nullopt;
}

attest::RemoteLog open_remote_log(const std::string& url, const RemoteLogFlags& flags) {
  attest::PublicKey key = attest::pinned_log_key(flags.log_pub, url);
  attest::RemoteLog log(
      attest::RemoteLogOptions{url, std::move(key), flags.log_state, flags.repository});
  log.health();  // unreachable or not a log service: exit 2 before anything else
  return log;
}

std::optional<std::string> remote_log_extends(attest::RemoteLog& log, const std::string& note,
                                              const std::string& name,
                                              const attest::PublicKey& log_key) {
  attest::SignedCheckpoint old = attest::parse_checkpoint(note, name);
  if (!attest::checkpoint_signed_by(old, log_key)) return name + " is not signed by the log key";
  std::optional<attest::SignedCheckpoint> latest = log.latest_checkpoint();
  if (!latest || latest->checkpoint.origin != old.checkpoint.origin) {
    return name + " belongs to another log (" + old.checkpoint.origin + ")";
  }
  uint64_t size = latest->checkpoint.size;
  if (old.checkpoint.size > size) {
    return "the log has " + std::to_string(size) + " entries but " + name + " signed " +
           std::to_string(old.checkpoint.size) + " (truncated)";
  }
  attest::ConsistencyAnswer proof = log.consistency(old.checkpoint.size, size);
  if (proof.old_root != old.checkpoint.root) {
    return "the log does not extend " + name + " (size " + std::to_string(old.checkpoint.size) +
           "): it was rewritten (fork or rollback)";
  }
  return std::nullopt;
}

int run_remote_verify(const std::string& url, const RemoteLogFlags& flags,
                      const RemoteVerifyRequest& request) {
  attest::ExportCheckOptions options;
  options.decisions = true;
  for (const auto& path : request.trust)
    options.trusted.push_back(attest::PublicKey::from_file(path));
  attest::PublicKey log_key = attest::pinned_log_key(flags.log_pub, url);
  std::optional<std::string> old_note;
  if (!request.checkpoint.empty()) {
    old_note = read_text_file(request.checkpoint);
    attest::parse_checkpoint(*old_note, request.checkpoint);  // malformed: exit 2
  }
  witness_policy(request.witness);  // bad flags: exit 2 before any request
  attest::RemoteLog log = open_remote_log(url, flags);
  attest::ExportChecker checker(options);
  attest::LogVerifyResult result;
  std::string where = url + "/v1/export";
  try {
    log.export_lines([&](std::string_view line) { checker.take(line, where); });
    checker.finish(log, where);
    const attest::merkle::MemoryTree& tree = checker.tree();
    std::optional<std::string> problem;
    if (old_note) {
      attest::SignedCheckpoint old = attest::parse_checkpoint(*old_note, request.checkpoint);
      uint64_t size = old.checkpoint.size;
      if (!attest::checkpoint_signed_by(old, log_key)) {
        problem = request.checkpoint + " is not signed by the log key";
      } else if (size > tree.size()) {
        problem = "the log has " + std::to_string(tree.size()) + " entries but " +
                  request.checkpoint + " signed " + std::to_string(size) + " (truncated)";
      } else if (tree.root(size) != old.checkpoint.root) {
        problem = "the log does not extend " + request.checkpoint + " (size " +
                  std::to_string(size) + "): it was rewritten (fork or rollback)";
      }
    }
    if (!problem && !checker.checkpoint_note().empty()) {
      problem = ask_witnesses(request.witness, checker.checkpoint_note(), tree, result);
    }
    if (problem) {
      result.problem = *problem;
    } else {
      result.ok = true;
    }
  } catch (const attest::RemoteLogRefusal& refusal) {
    result.first_broken = refusal.seq();
    result.problem = refusal.message();
  }
  result.entries = checker.tree().size();
  if (result.entries > 0) result.root_hex = hex(checker.tree().root());
  if (options.trusted.empty()) {
    result.notes.push_back("envelope signatures not checked: pass --trust PUBKEY");
  }
  report_log_verdict(result);
  return result.ok ? 0 : 1;
}

int run_remote_checkpoint(const std::string& url, const RemoteLogFlags& flags) {
  attest::RemoteLog log = open_remote_log(url, flags);
  auto checkpoint = log.latest_checkpoint();
  if (!checkpoint) throw InputError(url + ": the audit log is empty: no checkpoint yet");
  std::cout << log.latest_checkpoint_note();
  return 0;
}

int run_remote_inclusion(const std::string& url, const RemoteLogFlags& flags, uint64_t seq,
                         uint64_t size) {
  attest::RemoteLog log = open_remote_log(url, flags);
  attest::InclusionAnswer proof =
      log.inclusion(seq, size ? std::optional<uint64_t>(size) : std::nullopt);
  std::vector<attest::Hash> path = proof.proof;
  nlohmann::json out = {{"leaf_index", proof.leaf_index},    {"tree_size", proof.tree_size},
                        {"leaf_hash", hex(proof.leaf_hash)}, {"root", hex(proof.root)},
                        {"proof", attest::hex_list(path)},   {"checkpoint", *proof.checkpoint}};
  std::cout << out.dump(2) << "\n";
  return 0;
}

int run_remote_consistency(const std::string& url, const RemoteLogFlags& flags, uint64_t old_size,
                           uint64_t new_size) {
  if (old_size > new_size) throw InputError("sizes must satisfy OLD_SIZE <= NEW_SIZE");
  attest::RemoteLog log = open_remote_log(url, flags);
  attest::ConsistencyAnswer proof = log.consistency(old_size, new_size);
  nlohmann::json out = {{"old_size", proof.old_size},
                        {"new_size", proof.new_size},
                        {"old_root", hex(proof.old_root)},
                        {"new_root", hex(proof.new_root)},
                        {"proof", attest::hex_list(proof.proof)}};
  std::cout << out.dump(2) << "\n";
  return 0;
}

int run_remote_show(const std::string& url, const RemoteLogFlags& flags, uint64_t seq) {
  attest::RemoteLog log = open_remote_log(url, flags);
  attest::RemoteEntry entry = log.entry(seq);
  log.inclusion(seq, std::nullopt);  // shown only once proven to be in the log
  nlohmann::json out = attest::entry_columns_json(entry.entry);
  out["leaf_hash"] = hex(entry.leaf_hash);
  try {
    attest::Envelope envelope = attest::parse_envelope(entry.entry.envelope, "entry");
    out["statement"] = nlohmann::json::parse(envelope.payload);
  } catch (const std::exception&) {
    out["statement"] = nullptr;  // `gate log verify` names what is wrong with it
  }
  out["envelope"] = entry.entry.envelope;
  std::cout << out.dump(2) << "\n";
  return 0;
}

int run_remote_export(const std::string& url, const RemoteLogFlags& flags, const std::string& out) {
  attest::RemoteLog log = open_remote_log(url, flags);
  std::optional<PartialFile> file;
  if (!out.empty()) file.emplace(out);
  std::ostream& sink = file ? file->stream() : std::cout;
  attest::ExportChecker checker({});
  std::string where = url + "/v1/export";
  // Each line is written once it is checked; the closing checkpoint is checked last.
  log.export_lines([&](std::string_view line) {
    checker.take(line, where);
    sink << line << "\n";
  });
  checker.finish(log, where);
  sink << std::flush;
  if (file) file->publish();
  return 0;
}

std::vector<attest::LogEntry> remote_query(const std::string& url, const RemoteLogFlags& flags,
                                           const attest::LogQuery& query) {
  attest::RemoteLog log = open_remote_log(url, flags);
  std::vector<attest::LogEntry> entries;
  for (auto& found : log.query(query)) entries.push_back(std::move(found.entry));
  return entries;
}

}  // namespace gate::cli
