#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "attest/bytes.hpp"
#include "attest/checkpoint.hpp"
#include "attest/dsse.hpp"
#include "attest/keys.hpp"
#include "attest/log_json.hpp"
#include "attest/log_store.hpp"
#include "attest/log_verify.hpp"
#include "attest/pg_log_backend.hpp"
#include "attest/statement.hpp"
#include "gate/cli/commands.hpp"
#include "gate/cli/log_remote.hpp"
#include "gate/cli/log_verdict.hpp"
#include "gate/cli/witness_command.hpp"
#include "gate/types/errors.hpp"

namespace gate::cli {

namespace {

struct LogOptions {
  std::string log;
  // verify
  std::vector<std::string> trust;
  std::string log_pub;
  std::string checkpoint;
  WitnessFlags witness;
  // init
  std::string origin;
  std::string log_key;
  bool allow_shared_key = false;
  std::string service_role;
  // proofs and show
  uint64_t seq = 0;
  uint64_t size = 0;
  uint64_t old_size = 0;
  uint64_t new_size = 0;
  // query
  attest::LogQuery query;
  std::string commit, repository, verdict, rule, actor, change, since, until;
  uint64_t limit = 100;
  std::string format = "table";
  std::string out;
  // a remote log (--log http(s)://...)
  std::string log_state;
};

RemoteLogFlags remote_flags(const LogOptions& options) {
  return RemoteLogFlags{options.log_pub, options.log_state, "."};
}

attest::LogStore open_log(const LogOptions& options) {
  return attest::LogStore::open(options.log.empty() ? attest::default_log_path() : options.log,
                                false);
}

std::string hex(const attest::Hash& hash) { return attest::to_hex(hash); }

using attest::hex_list;

uint64_t current_size(attest::LogStore& log) {
  auto note = log.latest_checkpoint();
  if (!note) throw InputError(log.path(), 0, 0, "the audit log is empty");
  return attest::parse_checkpoint(*note, log.path()).checkpoint.size;
}

int run_verify(const LogOptions& options) {
  if (auto url = remote_log_url(options.log)) {
    return run_remote_verify(*url, remote_flags(options),
                             {options.trust, options.checkpoint, options.witness});
  }
  attest::LogStore log = open_log(options);
  attest::LogVerifyOptions verify;
  for (const auto& path : options.trust)
    verify.trusted.push_back(attest::PublicKey::from_file(path));
  if (!options.log_pub.empty()) verify.log_key = attest::PublicKey::from_file(options.log_pub);
  if (!options.checkpoint.empty()) {
    verify.old_checkpoint = read_text_file(options.checkpoint);
    verify.old_checkpoint_name = options.checkpoint;
    // Parse now so a malformed file is an input error (exit 2), not a broken log.
    attest::parse_checkpoint(*verify.old_checkpoint, options.checkpoint);
  }
  WitnessPolicy policy = witness_policy(options.witness);
  verify.witnesses = std::move(policy.witnesses);
  verify.min_witnesses = policy.min_witnesses;
  attest::LogVerifyResult result = attest::verify_log(log, verify);
  report_log_verdict(result);
  return result.ok ? 0 : 1;
}

int run_init(const LogOptions& options) {
  if (auto url = remote_log_url(options.log)) {
    throw InputError("gate log init makes a local log file; " + *url + " is a log service",
                     "the service's log is created by `gate log serve --origin ... --log-key ...`");
  }
  std::string path = options.log.empty() ? attest::default_log_path() : options.log;
  attest::PrivateKey key = attest::PrivateKey::from_file(options.log_key);
  attest::LogIdentity identity{options.origin, options.allow_shared_key};
  attest::LogStore::check_identity(identity, key);  // before a file exists
  if (!options.service_role.empty()) {
    if (!attest::is_postgres_url(path)) {
      throw InputError("--service-role is for a PostgreSQL log",
                       "pass --log postgresql://<owner>@<host>/<database>");
    }
    attest::install_postgres_log(path, options.service_role);
  }
  attest::LogStore log = attest::LogStore::open(path, true);
  log.init(identity, key);
  std::cout << "audit log " << path << ": origin " << options.origin << ", log key " << key.key_id()
            << "\n";
  return 0;
}

int run_checkpoint(const LogOptions& options) {
  if (auto url = remote_log_url(options.log))
    return run_remote_checkpoint(*url, remote_flags(options));
  attest::LogStore log = open_log(options);
  attest::LogStore::Snapshot snapshot = log.snapshot();
  auto note = log.latest_checkpoint();
  if (!note) throw InputError(log.path(), 0, 0, "the audit log is empty: no checkpoint yet");
  std::cout << *note;
  return 0;
}

int run_inclusion(const LogOptions& options) {
  if (auto url = remote_log_url(options.log)) {
    return run_remote_inclusion(*url, remote_flags(options), options.seq, options.size);
  }
  attest::LogStore log = open_log(options);
  attest::LogStore::Snapshot snapshot = log.snapshot();
  uint64_t size = options.size ? options.size : current_size(log);
  if (options.seq >= size) {
    throw InputError("entry " + std::to_string(options.seq) + " is not in a tree of size " +
                     std::to_string(size));
  }
  auto leaf = log.leaf_hash(options.seq);
  if (!leaf) throw InputError("entry " + std::to_string(options.seq) + " has no leaf hash");
  nlohmann::json out = {{"leaf_index", options.seq},
                        {"tree_size", size},
                        {"leaf_hash", hex(*leaf)},
                        {"root", hex(log.root(size))},
                        {"proof", hex_list(log.inclusion_proof(options.seq, size))}};
  if (auto note = log.checkpoint(size)) out["checkpoint"] = *note;
  std::cout << out.dump(2) << "\n";
  return 0;
}

int run_consistency(const LogOptions& options) {
  if (auto url = remote_log_url(options.log)) {
    return run_remote_consistency(*url, remote_flags(options), options.old_size, options.new_size);
  }
  attest::LogStore log = open_log(options);
  attest::LogStore::Snapshot snapshot = log.snapshot();
  uint64_t size = current_size(log);
  if (options.old_size > options.new_size || options.new_size > size) {
    throw InputError("sizes must satisfy OLD_SIZE <= NEW_SIZE <= " + std::to_string(size));
  }
  nlohmann::json out = {
      {"old_size", options.old_size},
      {"new_size", options.new_size},
      {"old_root", hex(log.root(options.old_size))},
      {"new_root", hex(log.root(options.new_size))},
      {"proof", hex_list(log.consistency_proof(options.old_size, options.new_size))}};
  std::cout << out.dump(2) << "\n";
  return 0;
}

nlohmann::json entry_json(const attest::LogEntry& entry) {
  return attest::entry_columns_json(entry);
}

int run_show(const LogOptions& options) {
  if (auto url = remote_log_url(options.log))
    return run_remote_show(*url, remote_flags(options), options.seq);
  attest::LogStore log = open_log(options);
  attest::LogStore::Snapshot snapshot = log.snapshot();
  auto entry = log.entry(options.seq);
  if (!entry) throw InputError("no entry " + std::to_string(options.seq) + " in " + log.path());
  nlohmann::json out = entry_json(*entry);
  out["leaf_hash"] = hex(attest::merkle::leaf_hash(entry->envelope));
  try {
    attest::Envelope envelope = attest::parse_envelope(entry->envelope, "entry");
    out["statement"] = nlohmann::json::parse(envelope.payload);
  } catch (const std::exception&) {
    out["statement"] = nullptr;  // `gate log verify` names what is wrong with it
  }
  out["envelope"] = entry->envelope;
  std::cout << out.dump(2) << "\n";
  return 0;
}

std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : ",") + part;
  return out;
}

int run_query(LogOptions options) {
  auto set = [](std::optional<std::string>& target, const std::string& value) {
    if (!value.empty()) target = value;
  };
  set(options.query.repository, options.repository);
  set(options.query.commit, options.commit);
  set(options.query.verdict, options.verdict);
  set(options.query.rule, options.rule);
  set(options.query.actor, options.actor);
  set(options.query.change, options.change);
  for (auto [text, target, name] : {std::tuple{&options.since, &options.query.since, "--since"},
                                    std::tuple{&options.until, &options.query.until, "--until"}}) {
    if (text->empty()) continue;
    auto time = attest::parse_time(*text);
    if (!time) {
      throw InputError(std::string(name) + " '" + *text + "' is not a time",
                       "use 2026-03-01, 2026-03-01T12:00:00Z or seconds since 1970");
    }
    // A date alone as --until means the whole day.
    *target = *time + (name == std::string("--until") && text->size() == 10 ? 86399 : 0);
  }
  options.query.limit = options.limit;
  std::vector<attest::LogEntry> entries;
  if (auto url = remote_log_url(options.log)) {
    entries = remote_query(*url, remote_flags(options), options.query);
  } else {
    attest::LogStore log = open_log(options);
    attest::LogStore::Snapshot snapshot = log.snapshot();
    entries = log.query(options.query);
  }
  if (options.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& entry : entries) out.push_back(entry_json(entry));
    std::cout << out.dump(2) << "\n";
  } else if (options.format == "jsonl") {
    for (const auto& entry : entries) std::cout << entry_json(entry).dump() << "\n";
  } else if (options.format == "csv") {
    std::cout << "seq,time,repository,base,head,verdict,policy_sha256,actor,failed_rules,key_id\n";
    for (const auto& e : entries) {
      std::cout << e.seq << "," << attest::format_time(e.time) << "," << csv_field(e.repository)
                << "," << e.base << "," << e.head << "," << e.verdict << "," << e.policy_sha256
                << "," << csv_field(e.actor) << "," << csv_field(joined(e.failed_rules)) << ","
                << e.key_id << "\n";
    }
  } else {
    std::cout << "SEQ\tTIME\tVERDICT\tHEAD\tREPOSITORY\tACTOR\tFAILED RULES\n";
    for (const auto& e : entries) {
      std::cout << e.seq << "\t" << attest::format_time(e.time) << "\t" << e.verdict << "\t"
                << e.head.substr(0, 12) << "\t" << e.repository << "\t" << e.actor << "\t"
                << joined(e.failed_rules) << "\n";
    }
  }
  if (options.limit > 0 && entries.size() == options.limit) {
    std::cerr << "gate: note: showing the first " << options.limit
              << " matches; pass --limit 0 for all\n";
  }
  return 0;
}

int run_export(const LogOptions& options) {
  if (auto url = remote_log_url(options.log)) {
    return run_remote_export(*url, remote_flags(options), options.out);
  }
  attest::LogStore log = open_log(options);
  std::ofstream file;
  if (!options.out.empty()) {
    file.open(options.out, std::ios::binary | std::ios::trunc);
    if (!file) throw InputError(options.out, 0, 0, "cannot write the export");
  }
  std::ostream& out = options.out.empty() ? std::cout : file;
  // One snapshot: the checkpoint written last covers exactly the entries written before it.
  attest::LogStore::Snapshot snapshot = log.snapshot();
  log.for_each_entry([&](const attest::LogEntry& entry) {
    // The envelope travels as its exact bytes (a JSON string), so leaf hashes recompute.
    nlohmann::json line = {{"seq", entry.seq},
                           {"leaf_hash", hex(attest::merkle::leaf_hash(entry.envelope))},
                           {"envelope", entry.envelope}};
    out << line.dump() << "\n";
  });
  if (auto note = log.latest_checkpoint()) {
    out << nlohmann::json{{"checkpoint", *note}}.dump() << "\n";
  }
  return 0;
}

}  // namespace

void add_log_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<LogOptions>();
  auto* log = app.add_subcommand("log", "Verify, prove and query the audit log");
  log->require_subcommand(1);
  // --log is accepted before the subcommand (gate log --log F verify) and after it (gate log
  // verify --log F), as users write both.
  auto add_log_option = [&options](CLI::App* command) {
    command->add_option(
        "--log", options->log,
        "Audit log file, postgresql:// URL, or the URL of a `gate log serve` (http(s)://...) "
        "(default: $GATE_LOG, else <git dir>/gate/audit.db)");
  };
  // A remote log's pinned key and kept checkpoint; `verify` has its own --log-pub.
  auto add_remote_options = [&options](CLI::App* command, bool with_log_pub) {
    if (with_log_pub) {
      command->add_option("--log-pub", options->log_pub,
                          "A remote log's Ed25519 public key (or GATE_LOG_PUB): its checkpoints "
                          "must be signed by it");
    }
    command->add_option("--log-state", options->log_state,
                        "File keeping the last checkpoint verified from a remote log (default: "
                        "$GATE_LOG_STATE, else <git dir>/gate/remote-checkpoints/<origin>)");
  };
  add_log_option(log);

  auto* verify =
      log->add_subcommand("verify", "Check the whole log; exit 1 naming the first broken entry");
  verify->add_option("--trust", options->trust, "Public key trusted to sign envelopes; repeatable");
  verify->add_option("--log-pub", options->log_pub,
                     "The log's public key (pins the checkpoint key; default: the one in the log)");
  verify->add_option("--checkpoint", options->checkpoint,
                     "An older signed checkpoint kept elsewhere: the log must extend it");
  add_witness_options(*verify, options->witness);
  verify->callback([options, &exit_code] { exit_code = run_verify(*options); });

  auto* init = log->add_subcommand("init", "Create an audit log with its origin and log key");
  init->add_option("--origin", options->origin,
                   "The log's name in checkpoints (schema-less URL, e.g. audit.example.com/app)")
      ->required();
  init->add_option("--log-key", options->log_key, "The Ed25519 key that signs checkpoints")
      ->required();
  init->add_flag("--allow-shared-key", options->allow_shared_key,
                 "Accept decisions signed with the log key itself (refused by default)");
  init->add_option("--service-role", options->service_role,
                   "PostgreSQL: install the log's tables as the connected owner and let this "
                   "role (the service's) SELECT and INSERT only");
  init->callback([options, &exit_code] { exit_code = run_init(*options); });

  auto* checkpoint = log->add_subcommand("checkpoint", "Print the latest signed checkpoint");
  checkpoint->callback([options, &exit_code] { exit_code = run_checkpoint(*options); });

  auto* proof = log->add_subcommand("proof", "Print RFC 9162 proofs as JSON");
  proof->require_subcommand(1);
  auto* inclusion = proof->add_subcommand("inclusion", "Inclusion proof of entry SEQ");
  inclusion->add_option("SEQ", options->seq, "Entry sequence number (leaf index)")->required();
  inclusion->add_option("--size", options->size, "Tree size (default: the latest checkpoint)");
  inclusion->callback([options, &exit_code] { exit_code = run_inclusion(*options); });
  auto* consistency = proof->add_subcommand("consistency", "Consistency proof between two sizes");
  consistency->add_option("OLD_SIZE", options->old_size)->required();
  consistency->add_option("NEW_SIZE", options->new_size)->required();
  consistency->callback([options, &exit_code] { exit_code = run_consistency(*options); });

  auto* show = log->add_subcommand("show", "Print one entry with its statement");
  show->add_option("SEQ", options->seq, "Entry sequence number")->required();
  show->callback([options, &exit_code] { exit_code = run_show(*options); });

  auto* query = log->add_subcommand("query", "Find decisions (answered from indexes)");
  query->add_option("--repo", options->repository,
                    "Repository (owner/name, or path for local runs)");
  query->add_option("--commit", options->commit, "Head commit id or a prefix of it");
  query->add_option("--verdict", options->verdict)->check(CLI::IsMember({"pass", "fail"}));
  query->add_option("--rule", options->rule, "A rule id that failed");
  query->add_option("--actor", options->actor, "Who triggered the run");
  query->add_option("--change", options->change,
                    "Pull/merge request number (the statement's ci.changeId)");
  query->add_option("--since", options->since, "From this time (2026-03-01 or RFC 3339 UTC)");
  query->add_option("--until", options->until, "Up to this time, inclusive");
  query->add_option("--limit", options->limit, "At most this many (0: all)")->capture_default_str();
  query->add_option("--format", options->format)
      ->check(CLI::IsMember({"table", "json", "jsonl", "csv"}))
      ->capture_default_str();
  query->callback([options, &exit_code] { exit_code = run_query(*options); });

  auto* export_ =
      log->add_subcommand("export", "Write every entry as JSON lines (then the checkpoint)");
  export_->add_option("--out", options->out, "File to write (default: stdout)");
  export_->callback([options, &exit_code] { exit_code = run_export(*options); });
  add_serve_command(*log, exit_code);
  add_log_import_command(*log, exit_code);

  add_log_witness_command(*log, exit_code);
  for (CLI::App* command :
       {verify, init, checkpoint, proof, inclusion, consistency, show, query, export_}) {
    add_log_option(command);
  }
  add_remote_options(log, true);
  add_remote_options(verify, false);
  for (CLI::App* command : {checkpoint, proof, inclusion, consistency, show, query, export_}) {
    add_remote_options(command, true);
  }
}

}  // namespace gate::cli
