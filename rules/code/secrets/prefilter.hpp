#pragma once

#include <hs/hs.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gate::secrets {

// A Vectorscan (Hyperscan) block-mode database of many patterns scanned in one pass. Rule
// patterns are compiled in prefilter mode (a superset of the real pattern, so unsupported
// constructs degrade to looser matching instead of failing) and multi-line mode (^ and $ at line
// boundaries); every hit is confirmed by RE2 afterwards.
class Prefilter {
 public:
  struct Pattern {
    std::string expression;
    unsigned flags = 0;
    unsigned id = 0;
  };
  struct Rejection {
    unsigned id = 0;
    std::string reason;
  };

  Prefilter() = default;
  // Patterns Vectorscan cannot compile are left out and listed in `rejected`; the rest are
  // compiled together. Throws std::runtime_error when the database as a whole cannot be built.
  // With `cache_dir`, a database compiled earlier from the same patterns is reused (see
  // prefilter_cache.hpp) and a new one is stored there.
  Prefilter(const std::vector<Pattern>& patterns, std::vector<Rejection>& rejected,
            const std::optional<std::filesystem::path>& cache_dir = std::nullopt);

  // Whether the database came from the cache (for tests and the benchmark).
  bool from_cache() const { return from_cache_; }

  bool empty() const { return database_ == nullptr; }

  // Per-thread working memory for scanning.
  class Scratch {
   public:
    explicit Scratch(const Prefilter& prefilter);
    hs_scratch_t* get() const { return scratch_.get(); }

   private:
    struct Free {
      void operator()(hs_scratch_t* s) const { hs_free_scratch(s); }
    };
    std::unique_ptr<hs_scratch_t, Free> scratch_;
  };

  // Calls on_match(id, end_offset) for every match end, in offset order. Throws
  // std::runtime_error when Vectorscan reports a scan failure.
  template <typename OnMatch>
  void scan(Scratch& scratch, std::string_view text, OnMatch& on_match) const {
    auto trampoline = [](unsigned id, unsigned long long, unsigned long long to, unsigned,
                         void* context) -> int {
      (*static_cast<OnMatch*>(context))(id, static_cast<size_t>(to));
      return 0;
    };
    scan_raw(scratch, text, trampoline, &on_match);
  }

 private:
  struct FreeDatabase {
    void operator()(hs_database_t* db) const { hs_free_database(db); }
  };
  std::shared_ptr<hs_database_t> database_;
  bool from_cache_ = false;

  void compile(const std::vector<Pattern>& patterns, std::vector<Rejection>& rejected);
  bool load(const std::vector<Pattern>& patterns, const std::filesystem::path& dir,
            const std::string& key, std::vector<Rejection>& rejected);

  void scan_raw(Scratch& scratch, std::string_view text, match_event_handler handler,
                void* context) const;
};

// A literal as a Vectorscan expression (every byte that is not a letter or digit escaped).
std::string literal_expression(std::string_view literal);

}  // namespace gate::secrets
