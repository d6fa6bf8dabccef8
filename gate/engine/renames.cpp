#include "gate/engine/renames.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "gate/types/parallel.hpp"

namespace gate {

namespace {

// git's scores: 60000 is identical; renames need half of that, same-name renames three quarters.
constexpr double kMaxScore = 60000.0;
constexpr int kMinimumScore = 30000;
constexpr int kBasenameScore = kMinimumScore + (60000 - kMinimumScore) / 2;
// git keeps the four best sources of each destination.
constexpr size_t kCandidatesPerDestination = 4;
// Identical blobs: git looks at no more than this many unused sources of one id.
constexpr int kIdenticalAlternatives = 100;

bool is_regular(uint16_t mode) { return (mode & 0170000) == 0100000; }

std::string_view basename_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool same_basename(std::string_view a, std::string_view b) {
  return basename_of(a) == basename_of(b);
}

struct OidHash {
  size_t operator()(const git_oid& id) const {
    size_t hash;
    std::memcpy(&hash, id.id, sizeof hash);
    return hash;
  }
};
struct OidEqual {
  bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_equal(&a, &b); }
};

struct Score {
  int source = -1;
  int destination = -1;  // -1: an empty slot
  int score = 0;
  int name_score = 0;
};

// git's order of candidate pairs: filled slots first, higher scores first, same file name first.
bool ranks_before(const Score& a, const Score& b) {
  if (a.destination < 0) return false;
  if (b.destination < 0) return true;
  if (a.score != b.score) return a.score > b.score;
  return a.name_score > b.name_score;
}

// Keeps the best few pairs of one destination, replacing the worst slot (the first of equals).
void record_if_better(Score* slots, const Score& candidate) {
  size_t worst = 0;
  for (size_t i = 1; i < kCandidatesPerDestination; ++i) {
    if (ranks_before(slots[worst], slots[i])) worst = i;
  }
  if (ranks_before(candidate, slots[worst])) slots[worst] = candidate;
}

class Search {
 public:
  Search(const std::vector<RenameCandidate>& sources,
         const std::vector<RenameCandidate>& destinations, const RenameOptions& options,
         RenameContent& content)
      : sources_(sources),
        destinations_(destinations),
        options_(options),
        content_(content),
        source_used_(sources.size(), false),
        destination_done_(destinations.size(), false),
        source_size_(sources.size()),
        destination_size_(destinations.size()),
        source_signature_(sources.size(), -1),
        destination_signature_(destinations.size(), -1) {}

  RenameResult run() {
    if (sources_.empty() || destinations_.empty()) return {};
    find_identical();
    find_same_names();
    std::vector<size_t> open_sources;
    for (size_t s = 0; s < sources_.size(); ++s) {
      if (!source_used_[s]) open_sources.push_back(s);
    }
    std::vector<size_t> open_destinations;
    for (size_t d = 0; d < destinations_.size(); ++d) {
      if (!destination_done_[d]) open_destinations.push_back(d);
    }
    if (!open_sources.empty() && !open_destinations.empty()) {
      uint64_t limit = options_.limit > 0 ? static_cast<uint64_t>(options_.limit) : 0;
      if (limit && uint64_t{open_sources.size()} * open_destinations.size() > limit * limit) {
        result_.limit_needed = std::max(open_sources.size(), open_destinations.size());
      } else {
        find_similar(open_sources, open_destinations);
      }
    }
    std::sort(
        result_.pairs.begin(), result_.pairs.end(),
        [](const RenamePair& a, const RenamePair& b) { return a.destination < b.destination; });
    return std::move(result_);
  }

 private:
  void record(size_t source, size_t destination, int score) {
    source_used_[source] = true;
    destination_done_[destination] = true;
    result_.pairs.push_back(
        {source, destination, static_cast<uint16_t>(static_cast<int>(score * 100 / kMaxScore))});
  }

  // Unchanged content under another path: the first unused source of the same blob, one of the
  // same file name if there is one. Symlinks and submodules pair only with their own kind.
  void find_identical() {
    std::unordered_map<git_oid, std::vector<size_t>, OidHash, OidEqual> by_id;
    for (size_t s = 0; s < sources_.size(); ++s) by_id[sources_[s].id].push_back(s);
    for (size_t d = 0; d < destinations_.size(); ++d) {
      const RenameCandidate& target = destinations_[d];
      auto found = by_id.find(target.id);
      if (found == by_id.end()) continue;
      std::optional<size_t> best;
      int best_score = -1;
      int alternatives = kIdenticalAlternatives;
      for (size_t s : found->second) {
        const RenameCandidate& source = sources_[s];
        if ((!is_regular(source.mode) || !is_regular(target.mode)) && source.mode != target.mode) {
          continue;
        }
        if (source_used_[s]) continue;
        int score = 1 + (same_basename(source.path, target.path) ? 1 : 0);
        if (score > best_score) {
          best = s;
          best_score = score;
          if (score == 2) break;
        }
        if (!--alternatives) break;
      }
      if (best) record(*best, d, static_cast<int>(kMaxScore));
    }
  }

  // A file moved to another folder under its own name, the most common rename: when the name is
  // unique among the remaining sources and among the remaining destinations, the pair is taken
  // if it is similar enough, before (and outside) the bounded search.
  void find_same_names() {
    std::unordered_map<std::string_view, long> source_by_name;
    std::unordered_map<std::string_view, long> destination_by_name;
    for (size_t s = 0; s < sources_.size(); ++s) {
      if (source_used_[s]) continue;
      auto [at, inserted] = source_by_name.emplace(basename_of(sources_[s].path), long(s));
      if (!inserted) at->second = -1;
    }
    for (size_t d = 0; d < destinations_.size(); ++d) {
      if (destination_done_[d]) continue;
      auto [at, inserted] =
          destination_by_name.emplace(basename_of(destinations_[d].path), long(d));
      if (!inserted) at->second = -1;
    }
    std::vector<std::pair<size_t, size_t>> pairs;
    for (const auto& [name, s] : source_by_name) {
      if (s < 0) continue;
      auto found = destination_by_name.find(name);
      if (found == destination_by_name.end() || found->second < 0) continue;
      pairs.emplace_back(size_t(s), size_t(found->second));
    }
    std::sort(pairs.begin(), pairs.end());
    std::vector<std::pair<size_t, size_t>> comparable;
    for (const auto& [s, d] : pairs) {
      if (sizes_allow(s, d, kBasenameScore)) comparable.push_back({s, d});
    }
    load_signatures(comparable);
    for (const auto& [s, d] : comparable) {
      int score = similarity(s, d);
      if (score >= kBasenameScore) record(s, d, score);
    }
  }

  // The bounded search: every remaining destination against every remaining source.
  void find_similar(const std::vector<size_t>& open_sources,
                    const std::vector<size_t>& open_destinations) {
    std::vector<std::pair<size_t, size_t>> comparable;
    for (size_t d : open_destinations) {
      for (size_t s : open_sources) {
        if (sizes_allow(s, d, kMinimumScore)) comparable.push_back({s, d});
      }
    }
    load_signatures(comparable);
    std::vector<Score> matrix(open_destinations.size() * kCandidatesPerDestination);
    unsigned threads = worker_count(options_.threads, open_destinations.size() / 8);
    parallel_for(open_destinations.size(), threads, [&](unsigned, size_t row) {
      size_t d = open_destinations[row];
      Score* slots = &matrix[row * kCandidatesPerDestination];
      for (size_t s : open_sources) {
        Score candidate;
        candidate.source = static_cast<int>(s);
        candidate.destination = static_cast<int>(d);
        candidate.score = sizes_allow(s, d, kMinimumScore) ? similarity(s, d) : 0;
        candidate.name_score = same_basename(sources_[s].path, destinations_[d].path) ? 1 : 0;
        record_if_better(slots, candidate);
      }
    });
    std::stable_sort(matrix.begin(), matrix.end(), ranks_before);
    for (const Score& pair : matrix) {
      if (pair.destination < 0 || pair.score < kMinimumScore) break;
      if (destination_done_[pair.destination] || source_used_[pair.source]) continue;
      record(size_t(pair.source), size_t(pair.destination), pair.score);
    }
  }

  // git compares only regular files whose sizes differ by less than the score allows.
  bool sizes_allow(size_t s, size_t d, int minimum) {
    if (!is_regular(sources_[s].mode) || !is_regular(destinations_[d].mode)) return false;
    uint64_t source_size = size_of(source_size_[s], sources_[s]);
    uint64_t destination_size = size_of(destination_size_[d], destinations_[d]);
    if (source_size > options_.max_content_bytes || destination_size > options_.max_content_bytes) {
      return false;
    }
    uint64_t larger = std::max(source_size, destination_size);
    uint64_t delta = larger - std::min(source_size, destination_size);
    return !(double(larger) * (kMaxScore - minimum) < double(delta) * kMaxScore);
  }

  uint64_t size_of(std::optional<uint64_t>& cached, const RenameCandidate& candidate) {
    if (!cached) cached = content_.size(candidate.id);
    return *cached;
  }

  // Reads the signatures the pairs need and have not got yet, each blob once.
  void load_signatures(const std::vector<std::pair<size_t, size_t>>& pairs) {
    std::vector<git_oid> ids;
    std::vector<int*> slots;
    std::unordered_map<git_oid, int, OidHash, OidEqual> wanted;
    auto want = [&](int& slot, const git_oid& id) {
      if (slot >= 0) return;
      auto known = signature_index_.find(id);
      if (known != signature_index_.end()) {
        slot = known->second;
        return;
      }
      auto [at, inserted] = wanted.emplace(id, static_cast<int>(ids.size()));
      if (inserted) ids.push_back(id);
      slot = -2 - at->second;  // resolved below, once the batch is read
      slots.push_back(&slot);
    };
    for (const auto& [s, d] : pairs) {
      want(source_signature_[s], sources_[s].id);
      want(destination_signature_[d], destinations_[d].id);
    }
    if (ids.empty()) return;
    std::vector<SpanSignature> read = content_.signatures(ids);
    int first = static_cast<int>(signatures_.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      signature_index_[ids[i]] = first + static_cast<int>(i);
      signatures_.push_back(std::move(read[i]));
    }
    for (int* slot : slots) {
      if (*slot <= -2) *slot = first + (-2 - *slot);
    }
  }

  // git's estimate: the share of the larger file that the source's spans cover.
  int similarity(size_t s, size_t d) const {
    uint64_t larger = std::max(*source_size_[s], *destination_size_[d]);
    if (*destination_size_[d] == 0) return 0;
    uint64_t shared = shared_bytes(signatures_[size_t(source_signature_[s])],
                                   signatures_[size_t(destination_signature_[d])]);
    return static_cast<int>(double(shared) * kMaxScore / double(larger));
  }

  const std::vector<RenameCandidate>& sources_;
  const std::vector<RenameCandidate>& destinations_;
  const RenameOptions& options_;
  RenameContent& content_;
  std::vector<bool> source_used_;
  std::vector<bool> destination_done_;
  std::vector<std::optional<uint64_t>> source_size_;
  std::vector<std::optional<uint64_t>> destination_size_;
  std::vector<int> source_signature_;
  std::vector<int> destination_signature_;
  std::vector<SpanSignature> signatures_;
  std::unordered_map<git_oid, int, OidHash, OidEqual> signature_index_;
  RenameResult result_;
};

}  // namespace

RenameResult find_renames(const std::vector<RenameCandidate>& sources,
                          const std::vector<RenameCandidate>& destinations,
                          const RenameOptions& options, RenameContent& content) {
  return Search(sources, destinations, options, content).run();
}

}  // namespace gate
