#include "server/witness_push.hpp"

#include <algorithm>
#include <iostream>

#include "attest/checkpoint.hpp"
#include "attest/cosignature.hpp"
#include "gate/types/errors.hpp"

namespace gate::server {

namespace {

using Kind = attest::CosignOutcome::Kind;

const char* outcome_name(Kind kind) {
  switch (kind) {
    case Kind::cosigned:
      return "cosigned";
    case Kind::conflict:
      return "conflict";
    case Kind::unavailable:
      return "unavailable";
  }
  return "unavailable";
}

struct VerifiedLines {
  std::string lines;
  std::string name;
};

// Of a witness's answer, only the lines that are cosignatures of `note` under the configured
// key are kept: whatever else it sent is nobody's signature a verifier could check.
VerifiedLines verified_lines(const std::string& note, const std::string& answer,
                             const attest::PublicKey& key) {
  attest::SignedCheckpoint checkpoint = attest::parse_checkpoint(note, "checkpoint");
  VerifiedLines out;
  size_t start = 0;
  while (start < answer.size()) {
    size_t end = answer.find('\n', start);
    if (end == std::string::npos) break;
    std::string line = answer.substr(start, end + 1 - start);
    start = end + 1;
    std::vector<attest::NoteSignature> parsed;
    try {
      parsed = attest::parse_signature_lines(line, "witness answer");
    } catch (const InputError&) {
      continue;
    }
    if (attest::cosigned_by(checkpoint, parsed, key)) {
      out.lines += line;
      if (out.name.empty()) out.name = parsed.front().name;
    }
  }
  return out;
}

// One write a message, so lines of threads writing at once do not interleave.
void say(const std::string& message) { std::cerr << message << std::flush; }

nlohmann::json or_null(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

}  // namespace

WitnessPusher::WitnessPusher(LogService& service, std::vector<attest::WitnessEndpoint> witnesses,
                             PushSchedule schedule)
    : service_(service), schedule_(schedule) {
  for (auto& witness : witnesses) workers_.push_back(std::make_unique<Worker>(std::move(witness)));
  if (workers_.empty()) return;
  service_.on_append([this] { notify(); });
  for (auto& worker : workers_) {
    Worker* raw = worker.get();
    threads_.emplace_back([this, raw] { run(*raw); });
  }
}

WitnessPusher::~WitnessPusher() {
  if (workers_.empty()) return;
  service_.on_append({});
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& thread : threads_) thread.join();
}

void WitnessPusher::notify() {
  {
    std::lock_guard lock(mutex_);
    ++generation_;
  }
  changed_.notify_all();
}

void WitnessPusher::run(Worker& worker) {
  uint64_t pushed_generation = 0;
  uint64_t known_size = 0;  // what this witness last cosigned, as far as this process knows
  auto backoff = schedule_.first_retry;
  std::optional<std::chrono::steady_clock::time_point> retry_at;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (retry_at) {
        // A witness that failed is not asked again before its time, however many appends come.
        changed_.wait_until(lock, *retry_at, [&] { return stopping_; });
      } else {
        changed_.wait(lock, [&] { return stopping_ || generation_ != pushed_generation; });
      }
      if (stopping_) return;
      pushed_generation = generation_;
    }
    retry_at.reset();
    Next next = push_once(worker, known_size);
    if (next == Next::wait_for_append) {
      backoff = schedule_.first_retry;
    } else if (next == Next::retry_soon) {
      retry_at = std::chrono::steady_clock::now() + backoff;
      backoff = std::min(backoff * 2, schedule_.max_retry);
    } else {
      retry_at = std::chrono::steady_clock::now() + schedule_.max_retry;
    }
  }
}

WitnessPusher::Next WitnessPusher::push_once(Worker& worker, uint64_t& known_size) {
  const attest::WitnessEndpoint& witness = worker.endpoint;
  attest::CosignOutcome outcome;
  std::optional<std::string> note;
  try {
    note = service_.latest_checkpoint();
    if (!note) return Next::wait_for_append;  // an empty log has nothing to witness yet
    {
      std::lock_guard lock(mutex_);
      if (worker.cosigned && worker.cosigned->note == *note) return Next::wait_for_append;
    }
    attest::ConsistencyProver prove = [this](uint64_t old_size, uint64_t new_size) {
      return service_.consistency_hashes(old_size, new_size);
    };
    outcome = attest::request_cosignature(witness, *note, prove, known_size);
  } catch (const std::exception& e) {
    // The store failed under us; the witness is not to blame, but nothing was pushed.
    outcome.kind = Kind::unavailable;
    outcome.message = "witness " + witness.label() + ": not pushed: " + e.what();
  }

  std::string message;  // written after the lock is released: stderr may block
  Next next = Next::retry_soon;
  {
    std::lock_guard lock(mutex_);
    ++worker.pushes[outcome_name(outcome.kind)];
    switch (outcome.kind) {
      case Kind::cosigned: {
        VerifiedLines lines = verified_lines(*note, outcome.signature_line, witness.key);
        uint64_t size = attest::parse_checkpoint(*note, "checkpoint").checkpoint.size;
        if (worker.state != "cosigned" && worker.state != "pending") {
          message = "gate: witness " + witness.label() + " cosigns again (size " +
                    std::to_string(size) + ")\n";
        }
        worker.cosigned = Cosigned{*note, size, lines.lines, lines.name, outcome.timestamp};
        worker.state = "cosigned";
        worker.last_error.clear();
        worker.largest_cosigned = std::max(worker.largest_cosigned, size);
        known_size = size;
        next = Next::wait_for_append;
        break;
      }
      case Kind::conflict:
        // Not a glitch: this witness holds a view of the log that this log contradicts. Its
        // cosignature is withdrawn so that none is ever served beside a contradiction.
        message = "gate: error: WITNESS CONFLICT: " + outcome.message +
                  "; the log this service serves contradicts what the witness cosigned before "
                  "(rollback, fork, split view or re-key): investigate before trusting this "
                  "log, see docs/audit-service.md#witnessing\n";
        worker.cosigned.reset();
        worker.state = "conflict";
        worker.last_error = outcome.message;
        known_size = 0;
        next = Next::retry_late;
        break;
      case Kind::unavailable:
        if (worker.state != "unavailable" || worker.last_error != outcome.message) {
          message = "gate: warning: " + outcome.message + " (will retry)\n";
        }
        worker.state = "unavailable";
        worker.last_error = outcome.message;
        next = Next::retry_soon;
        break;
    }
  }
  if (!message.empty()) say(message);
  return next;
}

std::optional<std::string> WitnessPusher::cosigned_checkpoint() const {
  std::lock_guard lock(mutex_);
  const Cosigned* newest = nullptr;
  for (const auto& worker : workers_) {
    if (worker->cosigned && !worker->cosigned->line.empty() &&
        (!newest || worker->cosigned->size > newest->size)) {
      newest = &*worker->cosigned;
    }
  }
  if (!newest) return std::nullopt;
  std::string note = newest->note;
  for (const auto& worker : workers_) {
    if (worker->cosigned && worker->cosigned->note == newest->note) note += worker->cosigned->line;
  }
  return note;
}

nlohmann::json WitnessPusher::status() const {
  std::lock_guard lock(mutex_);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& worker : workers_) {
    const auto& cosigned = worker->cosigned;
    list.push_back(
        {{"url", worker->endpoint.url},
         {"key_id", worker->endpoint.key.key_id()},
         {"name", cosigned ? or_null(cosigned->name) : nlohmann::json(nullptr)},
         // The key hash its cosignature lines carry: of its name and key, known once it cosigned.
         {"key_hash", cosigned ? nlohmann::json(attest::to_hex(attest::cosignature_key_hash(
                                     cosigned->name, worker->endpoint.key)))
                               : nlohmann::json(nullptr)},
         {"state", worker->state},
         {"cosigned_size", cosigned ? nlohmann::json(cosigned->size) : nlohmann::json(nullptr)},
         {"timestamp", cosigned ? nlohmann::json(cosigned->timestamp) : nlohmann::json(nullptr)},
         {"last_error", or_null(worker->last_error)},
         {"pushes", worker->pushes}});
  }
  return {{"witnesses", list}};
}

std::vector<WitnessCounts> WitnessPusher::counts() const {
  std::lock_guard lock(mutex_);
  std::vector<WitnessCounts> out;
  for (const auto& worker : workers_) {
    out.push_back({worker->endpoint.url, worker->pushes, worker->largest_cosigned});
  }
  return out;
}

}  // namespace gate::server
