#pragma once

#include <sys/resource.h>

// User plus system CPU time of this process, in seconds: the per-core figure the data
// benchmarks divide bytes by (fair on a shared machine, unlike wall time).
inline double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}
