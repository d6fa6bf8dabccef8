#pragma once

#include <cstddef>
#include <functional>

namespace gate {

// The number of workers for `requested` threads (0: one per core) and `items` items of work:
// never more workers than items, at least one.
unsigned worker_count(unsigned requested, size_t items);

// The one thread pool: calls body(i) for every i < count on `threads` workers (the calling
// thread is one of them), each index exactly once, in no fixed order. Results belong in slots
// indexed by i, so the outcome does not depend on scheduling. An exception from body stops no
// other call; the one of the lowest index is rethrown after every worker has finished.
void parallel_for(size_t count, unsigned threads, const std::function<void(size_t)>& body);
// The same, telling body which worker runs it (0 is the calling thread, the others count up to
// worker_count(threads, count) - 1), so per-worker state (a repository handle of its own) can
// live in a vector indexed by worker.
void parallel_for(size_t count, unsigned threads,
                  const std::function<void(unsigned worker, size_t index)>& body);

}  // namespace gate
