#include "gate/types/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace gate {

unsigned worker_count(unsigned requested, size_t items) {
  unsigned threads = requested ? requested : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(items, 1)));
}

void parallel_for(size_t count, unsigned threads, const std::function<void(size_t)>& body) {
  parallel_for(count, threads, [&](unsigned, size_t i) { body(i); });
}

void parallel_for(size_t count, unsigned threads,
                  const std::function<void(unsigned worker, size_t index)>& body) {
  std::vector<std::exception_ptr> errors(count);
  std::atomic<size_t> next{0};
  auto worker = [&](unsigned id) {
    for (size_t i = next++; i < count; i = next++) {
      try {
        body(id, i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < worker_count(threads, count); ++t) pool.emplace_back(worker, t);
  worker(0);
  for (auto& thread : pool) thread.join();
  for (auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace gate
