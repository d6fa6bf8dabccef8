#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

namespace gate {

// Threads to use: `requested`, or one per core when 0; never more than there are items.
inline unsigned worker_count(unsigned requested, size_t items) {
  unsigned threads = requested ? requested : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(items, 1)));
}

// Calls body(worker, index) for every index below `count` on `threads` threads; worker 0 is the
// calling thread, so per-worker state (a repository handle of its own) can live in a vector
// indexed by worker. Indices are handed out in order; results belong in slots by index so the
// outcome does not depend on scheduling. The first error (by worker) is rethrown after all join.
inline void parallel_for(size_t count, unsigned threads,
                         const std::function<void(unsigned worker, size_t index)>& body) {
  std::atomic<size_t> next{0};
  std::vector<std::exception_ptr> errors(std::max(threads, 1u));
  auto run = [&](unsigned worker) {
    try {
      for (size_t i = next++; i < count; i = next++) body(worker, i);
    } catch (...) {
      errors[worker] = std::current_exception();
      next = count;
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(run, t);
  run(0);
  for (auto& thread : pool) thread.join();
  for (auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace gate
