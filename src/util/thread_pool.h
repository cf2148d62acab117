#pragma once
// A process-wide pool of worker threads for splitting one operator's work
// (rows of a convolution) between cores. Each task writes its own part of
// the output, so results do not depend on the thread count.
//
//   SetIntraOpThreads(4);                       // the caller + 3 workers
//   ParallelFor(rows, [&](int64_t begin, int64_t end) { ... });
#include <cstdint>
#include <functional>

namespace tfd {

// Threads one operator may use (>= 1; 1 = no workers, the default).
void SetIntraOpThreads(int threads);
int IntraOpThreads();
// Cores of this machine (at least 1).
int HardwareThreads();

// Calls fn(begin, end) on disjoint ranges covering [0, n), on up to
// IntraOpThreads() threads (the caller included), each range at least
// `min_chunk` long; returns when all are done. An exception in fn is
// rethrown here. Not reentrant: fn must not call ParallelFor.
void ParallelFor(int64_t n, int64_t min_chunk, const std::function<void(int64_t, int64_t)>& fn);

}  // namespace tfd
