#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gate/types/blob_source.hpp"

namespace gate::data {

// A 64-bit hash of a cell, the same on every machine (profiles are compared across runs).
uint64_t hash_value(std::string_view value);

// Distinct values, estimated with HyperLogLog (2^12 registers: about 1.6% standard error) in a
// fixed 4 KiB whatever the column holds.
class DistinctCounter {
 public:
  void add(uint64_t hash);  // a hash from hash_value()
  uint64_t estimate() const;

 private:
  static constexpr int kBits = 12;
  std::array<uint8_t, 1 << kBits> registers_{};
};

// A uniform sample of a column's numbers (Li's algorithm L: it draws random numbers only when it
// replaces a value, not for every value). The generator has a fixed seed, so the same table
// always gives the same sample and the same profile bytes.
class NumberSample {
 public:
  static constexpr size_t kCapacity = 4096;
  void add(double value);
  // The q-quantile (0..1) of the sample, by linear interpolation; 0 when empty.
  double quantile(double q) const;
  const std::vector<double>& values() const { return values_; }
  uint64_t seen() const { return seen_; }

 private:
  std::vector<double> values_;
  mutable std::vector<double> sorted_;
  mutable bool sorted_valid_ = false;
  double next_uniform();  // in (0, 1)
  void schedule_next();
  uint64_t seen_ = 0;
  uint64_t next_replace_ = 0;  // the count of values at which the next one replaces a slot
  double weight_ = 1;
  uint64_t state_ = 0x9e3779b97f4a7c15ULL;
};

// Counts per category, keyed by hash_value(): an open-addressing table of fixed size (the values
// themselves are never kept: they may be personal data). Full at kMax categories.
class CategoryCounts {
 public:
  static constexpr size_t kMax = 256;
  // Counts one more of `hash`; false (counting nothing) when it is new and the table is full.
  bool add(uint64_t hash);
  uint64_t count(uint64_t hash) const;
  size_t size() const { return size_; }
  // (hash, count) of every category, in hash order: the same sums on every run.
  std::vector<std::pair<uint64_t, uint64_t>> entries() const;
  void clear();

 private:
  static constexpr size_t kSlots = 2 * kMax;  // a power of two: the slot is hash & (kSlots - 1)
  std::vector<uint64_t> keys_ = std::vector<uint64_t>(kSlots);
  std::vector<uint64_t> counts_ = std::vector<uint64_t>(kSlots);  // 0: the slot is free
  size_t size_ = 0;
};

struct ColumnProfile {
  std::string name;
  uint64_t values = 0;   // cells that are not missing
  uint64_t nulls = 0;    // missing cells (empty, a missing-value marker, or absent in a short row)
  uint64_t numbers = 0;  // non-missing cells that read as a number
  double min = 0;
  double max = 0;
  double sum = 0;
  DistinctCounter distinct;
  NumberSample sample;
  // Past CategoryCounts::kMax distinct values a column is high-cardinality: distinct count and
  // quantiles only.
  CategoryCounts categories;
  bool categories_overflowed = false;
  bool non_numeric_seen = false;  // once a text value is seen, numbers are no longer parsed

  bool numeric() const { return values > 0 && numbers == values; }
  double null_rate() const;
};

struct TableProfile {
  uint64_t rows = 0;        // data rows (the header excluded)
  uint64_t unreadable = 0;  // rows the reader could not read (never profiled)
  std::vector<ColumnProfile> columns;

  const ColumnProfile* column(std::string_view name) const;
  // The profile as kept in the signed decision: counts, null rate, distinct estimate, numeric
  // summary and deciles, top categories. Deterministic for the same table.
  std::string to_json() const;
};

struct ProfileOptions {
  char delimiter = ',';
  std::vector<std::string> missing_values{""};
};

// One streaming pass over a CSV or TSV table with a header row, in bounded memory: the reader's
// buffer, one record, and per column a fixed-size counter, sample and category map.
TableProfile profile_table(ByteStream& stream, const ProfileOptions& options);

// Population stability index of `head` against `base`: numbers over the base's deciles,
// categories over the base's categories (plus one bucket for the rest). Empty buckets are
// smoothed with 1e-4. Returns a negative value when the two cannot be compared (no values, or a
// high-cardinality text column).
double population_stability(const ColumnProfile& base, const ColumnProfile& head);

}  // namespace gate::data
