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
// rethrown here. Not reentrant: fn must not call ParallelFor. On a thread
// inside a SerialScope it calls fn(0, n) itself.
void ParallelFor(int64_t n, int64_t min_chunk, const std::function<void(int64_t, int64_t)>& fn);

// While alive, ParallelFor on this thread runs on this thread alone: for
// workers that each run whole items (dataset work spread over cores), whose
// operators must not wait for one another's pool.
class SerialScope {
 public:
  SerialScope();
  ~SerialScope();
  SerialScope(const SerialScope&) = delete;
  SerialScope& operator=(const SerialScope&) = delete;

 private:
  bool was_serial_;
};

// Threads that work spread over items may use on this thread:
// IntraOpThreads(), or 1 inside a SerialScope (a worker already running
// whole items beside others).
int ItemThreads();

// Runs fn(i) for every i in [0, n) on `threads` threads (this one
// included), each inside a SerialScope, items taken in increasing order;
// returns when all are done. If items throw, the lowest such item's
// exception is rethrown, the one a loop in order would have met (items
// after it may be skipped). fn must only write what belongs to item i.
void ParallelItems(int64_t n, int threads, const std::function<void(int64_t)>& fn);

}  // namespace tfd
