#include "server/log_service.hpp"

#include <algorithm>
#include <condition_variable>
#include <iostream>
#include <tuple>

#include "attest/bytes.hpp"
#include "attest/checkpoint.hpp"
#include "attest/dsse.hpp"
#include "attest/log_json.hpp"
#include "attest/statement.hpp"
#include "gate/types/errors.hpp"

namespace gate::server {

namespace {

using attest::hex_list;

nlohmann::json identity_json(const attest::SubmitterIdentity& identity) {
  return {{"kind", identity.kind},
          {"issuer", identity.issuer},
          {"subject", identity.subject},
          {"repository", identity.repository},
          {"workflow_ref", identity.workflow_ref},
          {"ref", identity.ref},
          {"run_id", identity.run_id},
          {"actor", identity.actor}};
}

struct Cursor {
  int64_t time = 0;
  uint64_t seq = 0;
};

std::optional<Cursor> parse_cursor(const std::string& token) {
  size_t dot = token.find('.');
  if (dot == std::string::npos) return std::nullopt;
  try {
    size_t used = 0;
    Cursor cursor;
    cursor.time = std::stoll(token.substr(0, dot), &used);
    if (used != dot) return std::nullopt;
    cursor.seq = std::stoull(token.substr(dot + 1), &used);
    if (used != token.size() - dot - 1) return std::nullopt;
    return cursor;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

bool after(const attest::LogEntry& entry, const std::optional<Cursor>& cursor) {
  return !cursor || entry.time > cursor->time ||
         (entry.time == cursor->time && entry.seq > cursor->seq);
}

}  // namespace

// Read connections handed out one request at a time: LogStore keeps prepared statements, so a
// connection serves one thread at once.
class LogService::Readers {
 public:
  Readers(const std::string& path, size_t count) {
    for (size_t i = 0; i < count; ++i) {
      idle_.push_back(std::make_unique<attest::LogStore>(attest::LogStore::open(path, false)));
    }
  }
  class Lease {
   public:
    Lease(Readers& owner, std::unique_ptr<attest::LogStore> store)
        : owner_(owner), store_(std::move(store)) {}
    ~Lease() { owner_.give_back(std::move(store_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    attest::LogStore& operator*() { return *store_; }

   private:
    Readers& owner_;
    std::unique_ptr<attest::LogStore> store_;
  };
  Lease take() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !idle_.empty(); });
    auto store = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(store));
  }

 private:
  void give_back(std::unique_ptr<attest::LogStore> store) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(store));
    }
    ready_.notify_one();
  }
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<std::unique_ptr<attest::LogStore>> idle_;
};

LogService::LogService(ServiceSetup setup)
    : origin_(std::move(setup.origin)),
      log_key_(std::move(setup.log_key)),
      trusted_(std::move(setup.trusted)),
      authenticator_(std::move(setup.authenticator)),
      writer_(attest::LogStore::open(setup.store_path, true)) {
  // A new store takes the configured origin on its first append; a log that already has one
  // keeps it, and clients must see the origin its checkpoints carry.
  if (auto stored = writer_.origin(); stored && *stored != origin_) {
    std::cerr << "gate: warning: " << writer_.path() << " has the origin '" << *stored << "', not '"
              << origin_ << "'; serving it under its own\n";
    origin_ = *stored;
  }
  readers_ = std::make_unique<Readers>(setup.store_path, std::max<size_t>(1, setup.readers));
}

LogService::~LogService() = default;

uint64_t LogService::checkpoint_size(attest::LogStore& store) {
  auto note = store.latest_checkpoint();
  if (!note) return 0;
  return attest::parse_checkpoint(*note, store.path()).checkpoint.size;
}

nlohmann::json LogService::append(std::string_view body, std::string_view authorization,
                                  int64_t now) {
  Identity identity;
  try {
    identity = authenticator_.authenticate(authorization, now);
  } catch (const AuthFailure& failure) {
    throw ServiceError{failure.status, failure.code, failure.message};
  }
  attest::Envelope envelope;
  attest::DecisionSummary summary;
  try {
    envelope = attest::parse_envelope(body, "request body");
    summary = attest::summarize_decision(envelope, "request body");
  } catch (const InputError& e) {
    throw ServiceError{400, "malformed_envelope", e.message()};
  }
  attest::EnvelopeCheck check = attest::verify_envelope(envelope, trusted_);
  if (!check.ok) throw ServiceError{422, "unverified_envelope", check.reason};
  try {
    Authenticator::authorize(identity, summary.repository);
  } catch (const AuthFailure& failure) {
    throw ServiceError{failure.status, failure.code, failure.message};
  }
  if (identity.repository.empty()) identity.repository = summary.repository;

  std::lock_guard lock(write_mutex_);
  uint64_t seq =
      writer_.append(body, log_key_, attest::LogIdentity{origin_, false},
                     [&](uint64_t new_seq) { writer_.record_identity(new_seq, identity); });
  auto note = writer_.latest_checkpoint();
  uint64_t size = attest::parse_checkpoint(*note, writer_.path()).checkpoint.size;
  if (append_listener_) append_listener_();
  return {{"seq", seq},
          {"leaf_hash", attest::to_hex(attest::merkle::leaf_hash(body))},
          {"tree_size", size},
          {"root", attest::to_hex(writer_.root(size))},
          {"inclusion_proof", hex_list(writer_.inclusion_proof(seq, size))},
          {"checkpoint", *note},
          {"key_id", check.key_id},
          {"identity", identity_json(identity)}};
}

std::optional<std::string> LogService::latest_checkpoint() {
  auto store = readers_->take();
  return (*store).latest_checkpoint();
}

nlohmann::json LogService::inclusion_proof(uint64_t seq, std::optional<uint64_t> size) {
  auto lease = readers_->take();
  attest::LogStore& store = *lease;
  uint64_t latest = checkpoint_size(store);
  uint64_t tree_size = size.value_or(latest);
  if (tree_size > latest) {
    throw ServiceError{400, "bad_request",
                       "size " + std::to_string(tree_size) + " is beyond the latest checkpoint (" +
                           std::to_string(latest) + ")"};
  }
  if (seq >= tree_size) {
    throw ServiceError{
        404, "not_found",
        "entry " + std::to_string(seq) + " is not in a tree of size " + std::to_string(tree_size)};
  }
  auto leaf = store.leaf_hash(seq);
  if (!leaf) throw ServiceError{500, "store_damaged", "entry has no leaf hash"};
  nlohmann::json out = {{"leaf_index", seq},
                        {"tree_size", tree_size},
                        {"leaf_hash", attest::to_hex(*leaf)},
                        {"root", attest::to_hex(store.root(tree_size))},
                        {"proof", hex_list(store.inclusion_proof(seq, tree_size))}};
  if (auto note = store.checkpoint(tree_size)) out["checkpoint"] = *note;
  return out;
}

nlohmann::json LogService::consistency_proof(uint64_t old_size, std::optional<uint64_t> new_size) {
  auto lease = readers_->take();
  attest::LogStore& store = *lease;
  uint64_t latest = checkpoint_size(store);
  uint64_t to = new_size.value_or(latest);
  if (old_size > to || to > latest) {
    throw ServiceError{400, "bad_request",
                       "sizes must satisfy old <= new <= " + std::to_string(latest)};
  }
  nlohmann::json out = {{"old_size", old_size},
                        {"new_size", to},
                        {"old_root", attest::to_hex(store.root(old_size))},
                        {"new_root", attest::to_hex(store.root(to))},
                        {"proof", hex_list(store.consistency_proof(old_size, to))}};
  if (auto note = store.checkpoint(to)) out["checkpoint"] = *note;
  return out;
}

nlohmann::json LogService::entry_json(const attest::LogEntry& entry,
                                      const attest::SubmitterIdentity* identity) {
  nlohmann::json out = attest::entry_columns_json(entry);
  out["leaf_hash"] = attest::to_hex(attest::merkle::leaf_hash(entry.envelope));
  out["identity"] = identity ? identity_json(*identity) : nlohmann::json(nullptr);
  return out;
}

nlohmann::json LogService::entry(uint64_t seq) {
  auto lease = readers_->take();
  auto found = (*lease).entry(seq);
  if (!found) throw ServiceError{404, "not_found", "no entry " + std::to_string(seq)};
  auto identity = (*lease).identity(seq);
  nlohmann::json out = entry_json(*found, identity ? &*identity : nullptr);
  out["envelope"] = found->envelope;
  return out;
}

nlohmann::json LogService::query(const QueryRequest& request) {
  std::optional<Cursor> cursor;
  if (request.page_token) {
    cursor = parse_cursor(*request.page_token);
    if (!cursor) throw ServiceError{400, "bad_request", "page_token is not one this log gave"};
  }
  auto lease = readers_->take();
  attest::LogStore& store = *lease;
  const uint64_t wanted = request.page_size + 1;  // one more tells whether a next page exists
  std::vector<attest::LogEntry> page;
  if (request.identity) {
    for (uint64_t seq : store.sequences_by_identity(*request.identity)) {
      auto found = store.entry(seq);
      if (found && attest::query_matches(*found, request.query) && after(*found, cursor)) {
        page.push_back(std::move(*found));
      }
    }
    std::sort(page.begin(), page.end(), [](const auto& a, const auto& b) {
      return std::tie(a.time, a.seq) < std::tie(b.time, b.seq);
    });
    if (page.size() > wanted) page.resize(wanted);
  } else {
    // The store answers in (time, seq) order, from just after the cursor.
    attest::LogQuery query = request.query;
    if (cursor) query.after = std::make_pair(cursor->time, cursor->seq);
    query.limit = wanted;
    page = store.query(query);
  }
  nlohmann::json out = {{"entries", nlohmann::json::array()}};
  bool more = page.size() > request.page_size;
  if (more) page.pop_back();
  // One lookup for the page's submitters: on PostgreSQL, one round trip instead of one each.
  std::vector<uint64_t> sequences;
  for (const auto& entry : page) sequences.push_back(entry.seq);
  auto identities = store.identities(sequences);
  for (const auto& entry : page) {
    auto found = identities.find(entry.seq);
    out["entries"].push_back(
        entry_json(entry, found == identities.end() ? nullptr : &found->second));
  }
  if (more) {
    out["next_page_token"] =
        std::to_string(page.back().time) + "." + std::to_string(page.back().seq);
  }
  return out;
}

void LogService::export_lines(const std::function<bool(const std::string&)>& write) {
  auto lease = readers_->take();
  attest::LogStore& store = *lease;
  bool open = true;
  // The envelope travels as its exact bytes (a JSON string), so leaf hashes recompute.
  store.for_each_entry([&](const attest::LogEntry& entry) {
    if (!open) return;
    nlohmann::json line = {{"seq", entry.seq},
                           {"leaf_hash", attest::to_hex(attest::merkle::leaf_hash(entry.envelope))},
                           {"envelope", entry.envelope}};
    if (auto identity = store.identity(entry.seq)) {
      line["identity"] = identity_json(*identity);
    }
    open = write(line.dump() + "\n");
  });
  if (!open) return;
  if (auto note = store.latest_checkpoint())
    write(nlohmann::json{{"checkpoint", *note}}.dump() + "\n");
}

void LogService::on_append(std::function<void()> listener) {
  std::lock_guard lock(write_mutex_);
  append_listener_ = std::move(listener);
}

std::optional<std::vector<attest::Hash>> LogService::consistency_hashes(uint64_t old_size,
                                                                        uint64_t new_size) {
  auto lease = readers_->take();
  attest::LogStore& store = *lease;
  if (old_size > new_size || new_size > checkpoint_size(store)) return std::nullopt;
  return store.consistency_proof(old_size, new_size);
}

uint64_t LogService::size() {
  auto lease = readers_->take();
  return checkpoint_size(*lease);
}

}  // namespace gate::server
