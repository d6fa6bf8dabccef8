#include "rules/data/data_profile.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>

#include <nlohmann/json.hpp>

#include "rules/data/csv_reader.hpp"

namespace gate::data {

namespace {

uint64_t mix(uint64_t x) {  // splitmix64's finalizer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Plain decimals ("-12", "3.25") of up to 15 digits are exact as digits / 10^k, and dividing two
// exact doubles rounds correctly: the same value from_chars gives, without its cost.
bool read_plain_decimal(std::string_view text, double& value) {
  static constexpr double kPowers[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  size_t i = text[0] == '-' || text[0] == '+' ? 1 : 0;
  uint64_t digits = 0;
  int count = 0;
  int decimals = -1;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      if (++count > 15) return false;
      digits = digits * 10 + static_cast<uint64_t>(c - '0');
      if (decimals >= 0) ++decimals;
    } else if (c == '.' && decimals < 0) {
      decimals = 0;
    } else {
      return false;
    }
  }
  if (count == 0) return false;
  value = static_cast<double>(digits) / kPowers[decimals < 0 ? 0 : decimals];
  if (text[0] == '-') value = -value;
  return true;
}

bool read_number(std::string_view text, double& value) {
  if (text.empty()) return false;
  if (read_plain_decimal(text, value)) return true;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, value);
  return error == std::errc() && ptr == end && std::isfinite(value);
}

uint64_t load_little_endian(const char* bytes, size_t size) {
  uint64_t word = 0;
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(&word, bytes, size);
  } else {
    for (size_t b = 0; b < size; ++b) {
      word |= uint64_t{static_cast<unsigned char>(bytes[b])} << (8 * b);
    }
  }
  return word;
}

}  // namespace

uint64_t hash_value(std::string_view value) {
  // Eight bytes a step (little-endian loads, so every machine agrees), each step mixed, then
  // splitmix64's finalizer for HyperLogLog's top bits.
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ value.size();
  size_t i = 0;
  for (; i + 8 <= value.size(); i += 8) {
    h = (h ^ load_little_endian(value.data() + i, 8)) * 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
  }
  h = (h ^ load_little_endian(value.data() + i, value.size() - i)) * 0xc4ceb9fe1a85ec53ULL;
  return mix(h);
}

void DistinctCounter::add(uint64_t h) {
  size_t index = h >> (64 - kBits);
  // The guard bit bounds the rank when the remaining bits are all zero.
  uint64_t rest = (h << kBits) | (uint64_t{1} << (kBits - 1));
  auto rank = static_cast<uint8_t>(std::countl_zero(rest) + 1);
  if (rank > registers_[index]) registers_[index] = rank;
}

uint64_t DistinctCounter::estimate() const {
  constexpr double m = 1 << kBits;
  double sum = 0;
  size_t zeros = 0;
  for (uint8_t r : registers_) {
    sum += std::ldexp(1.0, -r);
    if (r == 0) ++zeros;
  }
  double estimate = (0.7213 / (1 + 1.079 / m)) * m * m / sum;
  // Small cardinalities: linear counting over the empty registers is the better estimate.
  if (estimate <= 2.5 * m && zeros > 0) estimate = m * std::log(m / static_cast<double>(zeros));
  return static_cast<uint64_t>(std::llround(estimate));
}

double NumberSample::next_uniform() {
  state_ += 0x9e3779b97f4a7c15ULL;
  return (static_cast<double>(mix(state_) >> 11) + 0.5) * 0x1.0p-53;
}

void NumberSample::schedule_next() {
  weight_ *= std::exp(std::log(next_uniform()) / static_cast<double>(kCapacity));
  double skip = std::floor(std::log(next_uniform()) / std::log1p(-weight_));
  next_replace_ += static_cast<uint64_t>(std::min(skip, 1e18)) + 1;
}

void NumberSample::add(double value) {
  ++seen_;
  if (values_.size() < kCapacity) {
    values_.push_back(value);
    sorted_valid_ = false;
    if (values_.size() == kCapacity) {
      next_replace_ = kCapacity;
      schedule_next();
    }
    return;
  }
  if (seen_ != next_replace_) return;
  values_[static_cast<size_t>(mix(state_ ^ seen_) % kCapacity)] = value;
  sorted_valid_ = false;
  schedule_next();
}

double NumberSample::quantile(double q) const {
  if (values_.empty()) return 0;
  if (!sorted_valid_) {
    sorted_ = values_;
    std::sort(sorted_.begin(), sorted_.end());
    sorted_valid_ = true;
  }
  double position = q * static_cast<double>(sorted_.size() - 1);
  auto low = static_cast<size_t>(std::floor(position));
  size_t high = std::min(low + 1, sorted_.size() - 1);
  double fraction = position - static_cast<double>(low);
  return sorted_[low] + (sorted_[high] - sorted_[low]) * fraction;
}

bool CategoryCounts::add(uint64_t hash) {
  for (size_t slot = hash & (kSlots - 1);; slot = (slot + 1) & (kSlots - 1)) {
    if (counts_[slot] == 0) {
      if (size_ == kMax) return false;
      keys_[slot] = hash;
      counts_[slot] = 1;
      ++size_;
      return true;
    }
    if (keys_[slot] == hash) {
      ++counts_[slot];
      return true;
    }
  }
}

uint64_t CategoryCounts::count(uint64_t hash) const {
  for (size_t slot = hash & (kSlots - 1);; slot = (slot + 1) & (kSlots - 1)) {
    if (counts_[slot] == 0) return 0;
    if (keys_[slot] == hash) return counts_[slot];
  }
}

std::vector<std::pair<uint64_t, uint64_t>> CategoryCounts::entries() const {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  for (size_t slot = 0; slot < kSlots; ++slot) {
    if (counts_[slot] != 0) out.emplace_back(keys_[slot], counts_[slot]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void CategoryCounts::clear() {
  std::fill(counts_.begin(), counts_.end(), 0);
  size_ = 0;
}

double ColumnProfile::null_rate() const {
  uint64_t cells = values + nulls;
  return cells == 0 ? 0 : static_cast<double>(nulls) / static_cast<double>(cells);
}

const ColumnProfile* TableProfile::column(std::string_view name) const {
  for (const auto& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string TableProfile::to_json() const {
  using json = nlohmann::json;
  json out = {{"rows", rows}, {"unreadable_rows", unreadable}};
  json list = json::array();
  for (const auto& c : columns) {
    json column = {{"name", c.name},
                   {"values", c.values},
                   {"nulls", c.nulls},
                   {"null_rate", c.null_rate()},
                   {"distinct", c.distinct.estimate()}};
    if (c.numeric()) {
      json deciles = json::array();
      for (int i = 1; i <= 9; ++i) deciles.push_back(c.sample.quantile(i / 10.0));
      column["numeric"] = {{"min", c.min},
                           {"max", c.max},
                           {"mean", c.sum / static_cast<double>(c.values)},
                           {"deciles", deciles}};
    } else if (!c.categories_overflowed && c.values > 0) {
      // Shares of the most frequent categories, without the values themselves: a category of a
      // data file may be personal data, and the log keeps what it is given for good.
      std::vector<uint64_t> counts;
      for (const auto& [hash, count] : c.categories.entries()) counts.push_back(count);
      std::sort(counts.rbegin(), counts.rend());
      json shares = json::array();
      for (size_t i = 0; i < counts.size() && i < 10; ++i) {
        shares.push_back(static_cast<double>(counts[i]) / static_cast<double>(c.values));
      }
      column["categories"] = {{"count", c.categories.size()}, {"top_shares", shares}};
    }
    list.push_back(std::move(column));
  }
  out["columns"] = std::move(list);
  // A column name is the data file's bytes: one that is not UTF-8 is written with U+FFFD.
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

TableProfile profile_table(ByteStream& stream, const ProfileOptions& options) {
  TableProfile profile;
  CsvReader reader(stream, options.delimiter);
  Row row;
  if (!reader.next(row)) return profile;
  for (std::string_view name : row.fields) {
    if (profile.columns.empty() && name.substr(0, 3) == "\xEF\xBB\xBF") name.remove_prefix(3);
    profile.columns.emplace_back().name = std::string(name);
  }
  bool only_empty_is_missing =
      options.missing_values.size() == 1 && options.missing_values[0].empty();
  auto missing = [&](std::string_view value) {
    if (only_empty_is_missing) return value.empty();
    return std::find(options.missing_values.begin(), options.missing_values.end(), value) !=
           options.missing_values.end();
  };
  while (reader.next(row)) {
    ++profile.rows;
    if (row.unreadable) {
      ++profile.unreadable;
      continue;
    }
    for (size_t i = 0; i < profile.columns.size(); ++i) {
      ColumnProfile& column = profile.columns[i];
      if (i >= row.fields.size() || missing(row.fields[i])) {
        ++column.nulls;
        continue;
      }
      std::string_view value = row.fields[i];
      ++column.values;
      uint64_t hash = hash_value(value);
      column.distinct.add(hash);
      double number = 0;
      if (!column.non_numeric_seen) {
        if (read_number(value, number)) {
          if (column.numbers == 0 || number < column.min) column.min = number;
          if (column.numbers == 0 || number > column.max) column.max = number;
          ++column.numbers;
          column.sum += number;
          column.sample.add(number);
        } else {
          column.non_numeric_seen = true;
        }
      }
      if (!column.categories_overflowed && !column.categories.add(hash)) {
        column.categories_overflowed = true;
        column.categories.clear();
      }
    }
  }
  return profile;
}

namespace {

constexpr double kEmptyBucket = 1e-4;

double stability(const std::vector<double>& base, const std::vector<double>& head) {
  double index = 0;
  for (size_t i = 0; i < base.size(); ++i) {
    double b = std::max(base[i], kEmptyBucket);
    double h = std::max(head[i], kEmptyBucket);
    index += (h - b) * std::log(h / b);
  }
  return index;
}

std::vector<double> shares_in_bins(const std::vector<double>& values,
                                   const std::vector<double>& edges) {
  std::vector<double> shares(edges.size() + 1, 0.0);
  for (double v : values) {
    shares[std::lower_bound(edges.begin(), edges.end(), v) - edges.begin()] += 1;
  }
  for (double& s : shares) s /= static_cast<double>(values.size());
  return shares;
}

}  // namespace

double population_stability(const ColumnProfile& base, const ColumnProfile& head) {
  if (base.values == 0 || head.values == 0) return -1;
  if (base.numeric() && head.numeric()) {
    std::vector<double> edges;
    for (int i = 1; i <= 9; ++i) {
      double edge = base.sample.quantile(i / 10.0);
      if (edges.empty() || edge > edges.back()) edges.push_back(edge);
    }
    return stability(shares_in_bins(base.sample.values(), edges),
                     shares_in_bins(head.sample.values(), edges));
  }
  if (base.categories_overflowed || head.categories_overflowed) return -1;
  std::vector<double> base_shares;
  std::vector<double> head_shares;
  double base_rest = 1;
  double head_rest = 1;
  for (const auto& [hash, count] : base.categories.entries()) {
    double b = static_cast<double>(count) / static_cast<double>(base.values);
    double h = static_cast<double>(head.categories.count(hash)) / static_cast<double>(head.values);
    base_shares.push_back(b);
    head_shares.push_back(h);
    base_rest -= b;
    head_rest -= h;
  }
  base_shares.push_back(std::max(base_rest, 0.0));
  head_shares.push_back(std::max(head_rest, 0.0));
  return stability(base_shares, head_shares);
}

}  // namespace gate::data
