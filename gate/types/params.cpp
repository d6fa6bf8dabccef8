#include "gate/types/params.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include "gate/types/errors.hpp"

namespace gate {

namespace {

// Optimal string alignment distance (Levenshtein plus adjacent transpositions): `tpye` is one
// edit from `type`, as a typing hand makes it.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// Whether `typed` reads as a slip of `meant`: close for its length, and not too long to compare.
bool near_miss(const std::string& typed, const std::string& meant) {
  if (typed == meant || typed.size() > 64 || meant.size() > 64) return false;
  size_t limit = meant.size() <= 3 ? 1 : 2;
  return edit_distance(typed, meant) <= limit;
}

}  // namespace

namespace {

std::string kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "nothing";
  }
}

}  // namespace

uint64_t parse_size(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    ++i;
  }
  if (i == 0) throw std::invalid_argument("'" + text + "' is not a size such as 5MB or 512KiB");
  double value = 0;
  try {
    value = std::stod(text.substr(0, i));
  } catch (const std::exception&) {
    throw std::invalid_argument("'" + text + "' is not a size such as 5MB or 512KiB");
  }
  std::string unit = text.substr(i);
  unit.erase(std::remove(unit.begin(), unit.end(), ' '), unit.end());
  std::string lower = unit;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const std::pair<const char*, double> units[] = {{"", 1},
                                                         {"b", 1},
                                                         {"kb", 1e3},
                                                         {"mb", 1e6},
                                                         {"gb", 1e9},
                                                         {"tb", 1e12},
                                                         {"kib", 1024.0},
                                                         {"mib", 1048576.0},
                                                         {"gib", 1073741824.0},
                                                         {"tib", 1099511627776.0}};
  for (const auto& [name, factor] : units) {
    if (lower == name) {
      double bytes = value * factor;
      if (!std::isfinite(bytes) || bytes > 1.8e19) {
        throw std::invalid_argument("'" + text + "' is too large");
      }
      return static_cast<uint64_t>(std::llround(bytes));
    }
  }
  throw std::invalid_argument("'" + text + "' has unknown unit '" + unit +
                              "' (use B, kB, MB, GB, TB, KiB, MiB, GiB or TiB)");
}

Params::Params(std::string file, const YAML::Node& node, std::string context)
    : file_(std::move(file)),
      node_(std::make_unique<YAML::Node>(node)),
      context_(std::move(context)),
      used_(std::make_shared<std::set<std::string>>()) {}

Params::~Params() = default;
Params::Params(const Params& other)
    : file_(other.file_),
      node_(std::make_unique<YAML::Node>(*other.node_)),
      context_(other.context_),
      used_(other.used_) {}
Params& Params::operator=(const Params& other) {
  if (this != &other) {
    file_ = other.file_;
    node_ = std::make_unique<YAML::Node>(*other.node_);
    context_ = other.context_;
    used_ = other.used_;
  }
  return *this;
}
Params::Params(Params&&) noexcept = default;
Params& Params::operator=(Params&&) noexcept = default;

uint32_t Params::line() const { return static_cast<uint32_t>(node_->Mark().line + 1); }
uint32_t Params::column() const { return static_cast<uint32_t>(node_->Mark().column + 1); }
bool Params::is_map() const { return node_->IsMap(); }

bool Params::has(const std::string& key) const { return value(key).has_value(); }

std::vector<std::string> Params::keys() const {
  std::vector<std::string> out;
  if (!node_->IsMap()) return out;
  for (const auto& entry : *node_) out.push_back(entry.first.Scalar());
  return out;
}

std::optional<YAML::Node> Params::value(const std::string& key) const {
  if (!node_->IsMap()) return std::nullopt;
  used_->insert(key);
  for (const auto& entry : *node_) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) {
      if (entry.second.IsNull()) return std::nullopt;
      return entry.second;
    }
  }
  return std::nullopt;
}

void Params::position_of(const std::string& key, uint32_t& line, uint32_t& column) const {
  line = this->line();
  column = this->column();
  if (!node_->IsMap()) return;
  for (const auto& entry : *node_) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) {
      const YAML::Node& at = entry.second.IsNull() ? entry.first : entry.second;
      line = static_cast<uint32_t>(at.Mark().line + 1);
      column = static_cast<uint32_t>(at.Mark().column + 1);
      return;
    }
  }
}

void Params::fail(const std::string& key, const std::string& message,
                  const std::string& hint) const {
  uint32_t line = 0;
  uint32_t column = 0;
  position_of(key, line, column);
  std::string where = context_.empty() ? "" : context_ + ": ";
  std::string what = key.empty() ? message : "'" + key + "' " + message;
  throw InputError(file_, line, column, where + what, hint);
}

void Params::fail_required(const std::string& key, const std::string& hint) const {
  // A required key that is missing is most often misspelt: name the slip at its own line.
  if (node_->IsMap()) {
    for (const auto& entry : *node_) {
      if (!entry.first.IsScalar()) continue;
      const std::string& typed = entry.first.Scalar();
      if (used_->count(typed) != 0 || !near_miss(typed, key)) continue;
      throw InputError(file_, static_cast<uint32_t>(entry.first.Mark().line + 1),
                       static_cast<uint32_t>(entry.first.Mark().column + 1),
                       (context_.empty() ? "" : context_ + ": ") + "unknown key '" + typed +
                           "' (did you mean '" + key + "'?)",
                       "rename it to `" + key + ":`");
    }
  }
  fail(key, "is required", hint);
}

std::string Params::string(const std::string& key) const {
  auto value = optional_string(key);
  if (!value) fail_required(key, "add `" + key + ": ...` to " + context_);
  return *value;
}

std::string Params::string_or(const std::string& key, const std::string& fallback) const {
  return optional_string(key).value_or(fallback);
}

std::optional<std::string> Params::optional_string(const std::string& key) const {
  std::optional<YAML::Node> node = value(key);
  if (!node) return std::nullopt;
  if (!node->IsScalar())
    fail(key, "must be a string, not " + kind_of(*node),
         "write `" + key + ": value` (quote it if it has special characters)");
  return node->Scalar();
}

std::vector<std::string> Params::string_list(const std::string& key) const {
  std::optional<YAML::Node> node = value(key);
  std::vector<std::string> out;
  if (!node) return out;
  if (node->IsScalar()) {
    out.push_back(node->Scalar());
    return out;
  }
  if (!node->IsSequence())
    fail(key, "must be a list of strings, not " + kind_of(*node),
         "write `" + key + ": [\"a\", \"b\"]`");
  for (const auto& item : *node) {
    if (!item.IsScalar()) {
      throw InputError(file_, static_cast<uint32_t>(item.Mark().line + 1),
                       static_cast<uint32_t>(item.Mark().column + 1),
                       (context_.empty() ? "" : context_ + ": ") + "'" + key +
                           "' entries must be strings, not " + kind_of(item),
                       "quote each entry: [\"a\", \"b\"]");
    }
    out.push_back(item.Scalar());
  }
  return out;
}

bool Params::boolean_or(const std::string& key, bool fallback) const {
  std::optional<YAML::Node> node = value(key);
  if (!node) return fallback;
  if (node->IsScalar()) {
    const std::string& s = node->Scalar();
    if (s == "true" || s == "True" || s == "yes") return true;
    if (s == "false" || s == "False" || s == "no") return false;
  }
  fail(key, "must be true or false", "write `" + key + ": true` or `" + key + ": false`");
}

int64_t Params::integer_or(const std::string& key, int64_t fallback) const {
  std::optional<YAML::Node> node = value(key);
  if (!node) return fallback;
  if (node->IsScalar()) {
    const std::string& s = node->Scalar();
    try {
      size_t used = 0;
      long long v = std::stoll(s, &used);
      if (used == s.size()) return v;
    } catch (const std::exception&) {
    }
  }
  fail(key, "must be a whole number", "write e.g. `" + key + ": 10`");
}

std::optional<double> Params::optional_number(const std::string& key) const {
  std::optional<YAML::Node> node = value(key);
  if (!node) return std::nullopt;
  if (node->IsScalar()) {
    const std::string& s = node->Scalar();
    try {
      size_t used = 0;
      double v = std::stod(s, &used);
      if (used == s.size() && std::isfinite(v)) return v;
    } catch (const std::exception&) {
    }
  }
  fail(key, "must be a number", "write e.g. `" + key + ": 0.9`");
}

double Params::number_or(const std::string& key, double fallback) const {
  return optional_number(key).value_or(fallback);
}

std::optional<uint64_t> Params::optional_size(const std::string& key) const {
  auto text = optional_string(key);
  if (!text) return std::nullopt;
  try {
    return parse_size(*text);
  } catch (const std::invalid_argument& e) {
    fail(key, std::string("is not a valid size: ") + e.what(), "write e.g. 5MB, 512KiB or 1GB");
  }
}

uint64_t Params::size(const std::string& key) const {
  auto v = optional_size(key);
  if (!v) fail_required(key, "add `" + key + ": 5MB` to " + context_);
  return *v;
}

Params Params::child(const std::string& key) const {
  auto c = optional_child(key);
  if (!c) fail_required(key, "add a `" + key + ":` mapping to " + context_);
  return *c;
}

std::optional<Params> Params::optional_child(const std::string& key) const {
  std::optional<YAML::Node> node = value(key);
  if (!node) return std::nullopt;
  if (!node->IsMap())
    fail(key, "must be a mapping, not " + kind_of(*node), "indent its keys below `" + key + ":`");
  return Params(file_, *node, context_ + "." + key);
}

std::vector<Params> Params::children(const std::string& key) const {
  std::optional<YAML::Node> node = value(key);
  std::vector<Params> out;
  if (!node) return out;
  if (!node->IsSequence())
    fail(key, "must be a list of mappings, not " + kind_of(*node),
         "write each entry as `- name: value` below `" + key + ":`");
  size_t index = 0;
  for (const auto& item : *node) {
    std::string where = context_ + "." + key + "[" + std::to_string(index++) + "]";
    if (!item.IsMap()) {
      throw InputError(file_, static_cast<uint32_t>(item.Mark().line + 1),
                       static_cast<uint32_t>(item.Mark().column + 1),
                       where + " must be a mapping, not " + kind_of(item),
                       "write each entry as `- name: value`");
    }
    out.emplace_back(file_, item, where);
  }
  return out;
}

std::map<std::string, std::string> Params::string_map(const std::string& key) const {
  std::optional<YAML::Node> node = value(key);
  std::map<std::string, std::string> out;
  if (!node) return out;
  if (!node->IsMap())
    fail(key, "must be a mapping of names to values, not " + kind_of(*node),
         "indent `name: value` lines below `" + key + ":`");
  for (const auto& entry : *node) {
    if (!entry.second.IsScalar()) {
      throw InputError(file_, static_cast<uint32_t>(entry.second.Mark().line + 1),
                       static_cast<uint32_t>(entry.second.Mark().column + 1),
                       context_ + "." + key + "." + entry.first.Scalar() + " must be a scalar",
                       "write `name: value` with a single value");
    }
    out[entry.first.Scalar()] = entry.second.Scalar();
  }
  return out;
}

void Params::finish() const {
  if (!node_->IsMap()) return;
  std::vector<std::string> known(used_->begin(), used_->end());
  for (const auto& entry : *node_) {
    const std::string& key = entry.first.Scalar();
    if (used_->count(key) == 0) {
      std::string hint = known.empty() ? "remove it" : "known keys here: ";
      for (size_t i = 0; i < known.size(); ++i) hint += (i ? ", " : "") + known[i];
      std::string message = "unknown key '" + key + "'";
      for (const auto& candidate : known) {
        if (near_miss(key, candidate)) {
          message += " (did you mean '" + candidate + "'?)";
          break;
        }
      }
      throw InputError(file_, static_cast<uint32_t>(entry.first.Mark().line + 1),
                       static_cast<uint32_t>(entry.first.Mark().column + 1),
                       (context_.empty() ? "" : context_ + ": ") + message, hint);
    }
  }
}

const YAML::Node& Params::node() const { return *node_; }

}  // namespace gate
