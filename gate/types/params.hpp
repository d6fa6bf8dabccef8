#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/node/node.h>

namespace gate {

// Typed, position-aware access to a YAML mapping of rule parameters. Every accessor that finds a
// value of the wrong type throws InputError naming file:line:col and the expected type; finish()
// throws for any key that was never asked for, so typos never pass silently.
class Params {
 public:
  Params(std::string file, const YAML::Node& node, std::string context);
  ~Params();
  Params(const Params&);
  Params& operator=(const Params&);
  Params(Params&&) noexcept;
  Params& operator=(Params&&) noexcept;

  const std::string& file() const { return file_; }
  uint32_t line() const;  // 1-based position of this mapping
  uint32_t column() const;
  bool is_map() const;
  bool has(const std::string& key) const;
  std::vector<std::string> keys() const;

  std::string string(const std::string& key) const;  // required
  std::string string_or(const std::string& key, const std::string& fallback) const;
  std::optional<std::string> optional_string(const std::string& key) const;
  std::vector<std::string> string_list(const std::string& key) const;  // scalar or sequence
  bool boolean_or(const std::string& key, bool fallback) const;
  int64_t integer_or(const std::string& key, int64_t fallback) const;
  double number_or(const std::string& key, double fallback) const;
  std::optional<double> optional_number(const std::string& key) const;
  // Sizes such as 5MB, 512KiB, 1.5GB or a plain byte count; units are SI (kB=1000) or IEC (KiB).
  uint64_t size(const std::string& key) const;
  std::optional<uint64_t> optional_size(const std::string& key) const;
  Params child(const std::string& key) const;  // a nested mapping (required)
  std::optional<Params> optional_child(const std::string& key) const;
  std::vector<Params> children(const std::string& key) const;  // a sequence of mappings
  // Mapping of string to string (e.g. thresholds `accuracy: ">= 0.9"`).
  std::map<std::string, std::string> string_map(const std::string& key) const;

  // Throws InputError at the key's position (or this mapping's when absent).
  [[noreturn]] void fail(const std::string& key, const std::string& message,
                         const std::string& hint = {}) const;
  void finish() const;  // unknown keys are an error

  // The raw node, for rule types with free-form structure. Marks the key as used.
  const YAML::Node& node() const;

 private:
  std::string file_;
  std::unique_ptr<YAML::Node> node_;
  std::string context_;
  std::shared_ptr<std::set<std::string>> used_;
  std::optional<YAML::Node> value(const std::string& key) const;  // nullopt when absent or null
  void position_of(const std::string& key, uint32_t& line, uint32_t& column) const;
  // "is required", or "unknown key 'tpye' (did you mean 'type'?)" at the misspelt key's line.
  [[noreturn]] void fail_required(const std::string& key, const std::string& hint) const;
};

uint64_t parse_size(const std::string& text);  // throws std::invalid_argument

}  // namespace gate
