#include "rules/code/secrets/prefilter.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <stdexcept>

#include "rules/code/secrets/prefilter_cache.hpp"

namespace gate::secrets {

namespace {

struct FreeCompileError {
  void operator()(hs_compile_error_t* error) const { hs_free_compile_error(error); }
};
using CompileError = std::unique_ptr<hs_compile_error_t, FreeCompileError>;

// Cheap per-pattern check, so one bad pattern is found without recompiling the whole set.
bool check_expression(const Prefilter::Pattern& pattern, std::string& reason) {
  hs_expr_info_t* info = nullptr;
  hs_compile_error_t* raw_error = nullptr;
  hs_error_t status =
      hs_expression_info(pattern.expression.c_str(), pattern.flags, &info, &raw_error);
  CompileError error(raw_error);
  std::free(info);
  if (status == HS_SUCCESS) return true;
  reason = error && error->message ? error->message : "rejected by Vectorscan";
  return false;
}

// The parallel arrays hs_compile_multi() and the cache key take.
struct PatternArrays {
  std::vector<const char*> expressions;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  explicit PatternArrays(const std::vector<Prefilter::Pattern>& patterns) {
    for (const auto& pattern : patterns) {
      expressions.push_back(pattern.expression.c_str());
      flags.push_back(pattern.flags);
      ids.push_back(pattern.id);
    }
  }
};

}  // namespace

Prefilter::Prefilter(const std::vector<Pattern>& patterns, std::vector<Rejection>& rejected,
                     const std::optional<std::filesystem::path>& cache_dir) {
  if (!cache_dir || patterns.empty()) {
    compile(patterns, rejected);
    return;
  }
  const PatternArrays arrays(patterns);
  const std::string key = database_key(arrays.expressions, arrays.flags, arrays.ids);
  if (load(patterns, *cache_dir, key, rejected)) return;
  compile(patterns, rejected);
  if (!database_) return;
  char* bytes = nullptr;
  size_t length = 0;
  if (hs_serialize_database(database_.get(), &bytes, &length) != HS_SUCCESS) return;
  CachedDatabase entry;
  entry.key = key;
  entry.serialized.assign(bytes, length);
  std::free(bytes);
  for (const auto& rejection : rejected)
    entry.rejected.emplace_back(rejection.id, rejection.reason);
  store_cached_database(*cache_dir, entry);
}

bool Prefilter::load(const std::vector<Pattern>& patterns, const std::filesystem::path& dir,
                     const std::string& key, std::vector<Rejection>& rejected) {
  std::optional<CachedDatabase> entry = load_cached_database(dir, key);
  if (!entry) return false;
  // The rejection list indexes the caller's rules: every id must be one of the patterns.
  for (const auto& [id, reason] : entry->rejected) {
    if (std::none_of(patterns.begin(), patterns.end(),
                     [&, id = id](const Pattern& p) { return p.id == id; })) {
      spdlog::warn("secrets: ignoring cached pattern database {}: unknown pattern id", key);
      return false;
    }
  }
  hs_database_t* raw = nullptr;
  if (hs_deserialize_database(entry->serialized.data(), entry->serialized.size(), &raw) !=
      HS_SUCCESS) {
    spdlog::warn("secrets: ignoring cached pattern database {}: Vectorscan cannot load it", key);
    return false;
  }
  database_.reset(raw, FreeDatabase{});
  for (auto& [id, reason] : entry->rejected) rejected.push_back({id, std::move(reason)});
  from_cache_ = true;
  return true;
}

void Prefilter::compile(const std::vector<Pattern>& patterns, std::vector<Rejection>& rejected) {
  std::vector<Pattern> accepted;
  for (const auto& pattern : patterns) {
    std::string reason;
    if (check_expression(pattern, reason)) {
      accepted.push_back(pattern);
    } else {
      rejected.push_back({pattern.id, reason});
    }
  }
  // Some limits (pattern too large, resource limits) only show in a full compile: drop the
  // pattern the compiler names and try again.
  while (!accepted.empty()) {
    const PatternArrays arrays(accepted);
    hs_database_t* raw_database = nullptr;
    hs_compile_error_t* raw_error = nullptr;
    hs_error_t status = hs_compile_multi(arrays.expressions.data(), arrays.flags.data(),
                                         arrays.ids.data(), static_cast<unsigned>(accepted.size()),
                                         HS_MODE_BLOCK, nullptr, &raw_database, &raw_error);
    CompileError error(raw_error);
    if (status == HS_SUCCESS) {
      database_.reset(raw_database, FreeDatabase{});
      return;
    }
    std::string reason = error && error->message ? error->message : "compile failed";
    if (!error || error->expression < 0 ||
        static_cast<size_t>(error->expression) >= accepted.size()) {
      throw std::runtime_error("Vectorscan could not build the secrets database: " + reason);
    }
    rejected.push_back({accepted[error->expression].id, reason});
    accepted.erase(accepted.begin() + error->expression);
  }
}

Prefilter::Scratch::Scratch(const Prefilter& prefilter) {
  if (prefilter.empty()) return;
  hs_scratch_t* raw = nullptr;
  if (hs_alloc_scratch(prefilter.database_.get(), &raw) != HS_SUCCESS) {
    throw std::runtime_error("Vectorscan could not allocate scratch memory");
  }
  scratch_.reset(raw);
}

void Prefilter::scan_raw(Scratch& scratch, std::string_view text, match_event_handler handler,
                         void* context) const {
  if (empty()) return;
  // hs_scan takes a 32-bit length: callers keep fragments far below that; split defensively.
  constexpr size_t kMaxBlock = std::numeric_limits<unsigned int>::max();
  if (text.size() > kMaxBlock) {
    throw std::runtime_error("text block of " + std::to_string(text.size()) +
                             " bytes is too large for one scan");
  }
  hs_error_t status = hs_scan(database_.get(), text.data(), static_cast<unsigned>(text.size()), 0,
                              scratch.get(), handler, context);
  if (status != HS_SUCCESS) {
    throw std::runtime_error("Vectorscan scan failed with status " + std::to_string(status));
  }
}

std::string literal_expression(std::string_view literal) {
  std::string out;
  out.reserve(literal.size() * 4);
  for (unsigned char c : literal) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      out += static_cast<char>(c);
    } else {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
      out += buffer;
    }
  }
  return out;
}

}  // namespace gate::secrets
