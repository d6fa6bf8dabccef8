#include "server/metrics.hpp"

#include <sstream>

namespace gate::server {

namespace {
// A label value as the exposition format escapes it: backslash, double quote, newline.
std::string label_value(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

void Metrics::count_request(const std::string& route, int status) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
}

void Metrics::observe_append(double seconds) {
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++append_buckets_[i];
  }
  ++append_count_;
  append_sum_ += seconds;
}

std::string Metrics::render(uint64_t log_size, const std::vector<WitnessCounts>& witnesses) const {
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  out << "# HELP gate_log_requests_total HTTP requests answered, by route and status.\n"
      << "# TYPE gate_log_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out << "gate_log_requests_total{route=\"" << key.first << "\",status=\"" << key.second << "\"} "
        << count << "\n";
  }
  out << "# HELP gate_log_append_seconds Time to verify, append and prove one entry.\n"
      << "# TYPE gate_log_append_seconds histogram\n";
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    out << "gate_log_append_seconds_bucket{le=\"" << kBuckets[i] << "\"} " << append_buckets_[i]
        << "\n";
  }
  out << "gate_log_append_seconds_bucket{le=\"+Inf\"} " << append_count_ << "\n"
      << "gate_log_append_seconds_sum " << append_sum_ << "\n"
      << "gate_log_append_seconds_count " << append_count_ << "\n"
      << "# HELP gate_log_entries Entries in the log.\n"
      << "# TYPE gate_log_entries gauge\n"
      << "gate_log_entries " << log_size << "\n";
  if (witnesses.empty()) return out.str();
  out << "# HELP gate_log_witness_pushes_total Checkpoints pushed to a witness, by outcome.\n"
      << "# TYPE gate_log_witness_pushes_total counter\n";
  for (const auto& witness : witnesses) {
    for (const auto& [outcome, count] : witness.pushes) {
      out << "gate_log_witness_pushes_total{witness=\"" << label_value(witness.witness)
          << "\",outcome=\"" << outcome << "\"} " << count << "\n";
    }
  }
  out << "# HELP gate_log_witness_cosigned_size Largest log size a witness cosigned since start.\n"
      << "# TYPE gate_log_witness_cosigned_size gauge\n";
  for (const auto& witness : witnesses) {
    out << "gate_log_witness_cosigned_size{witness=\"" << label_value(witness.witness) << "\"} "
        << witness.cosigned_size << "\n";
  }
  return out.str();
}

}  // namespace gate::server
