#include "util/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace tfd {
namespace {

class Pool {
 public:
  ~Pool() { Resize(0); }

  void Resize(int workers) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      stop_ = true;
      ++generation_;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
    stop_ = false;
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { Work(); });
  }
  int workers() const { return static_cast<int>(threads_.size()); }

  // Runs task(i) for i in [0, tasks) on the workers and the caller.
  void Run(int tasks, const std::function<void(int)>& task) {
    std::lock_guard<std::mutex> run_lock(run_mu_);
    {
      std::unique_lock<std::mutex> lock(mu_);
      task_ = &task;
      tasks_ = tasks;
      next_.store(0);
      pending_ = tasks;
      error_ = nullptr;
      ++generation_;
    }
    cv_.notify_all();
    Drain();
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [&] { return pending_ == 0; });
    task_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void Drain() {
    for (;;) {
      const int i = next_.fetch_add(1);
      if (i >= tasks_) return;
      try {
        (*task_)(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu_);
        if (!error_) error_ = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mu_);
      if (--pending_ == 0) done_cv_.notify_all();
    }
  }

  void Work() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || (generation_ != seen && task_ != nullptr); });
        if (stop_) return;
        seen = generation_;
      }
      Drain();
    }
  }

  std::mutex run_mu_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  std::vector<std::thread> threads_;
  const std::function<void(int)>* task_ = nullptr;
  int tasks_ = 0;
  int pending_ = 0;
  std::atomic<int> next_{0};
  uint64_t generation_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

Pool& GlobalPool() {
  static Pool pool;
  return pool;
}

std::atomic<int> g_threads{1};
thread_local bool t_serial = false;

}  // namespace

SerialScope::SerialScope() : was_serial_(t_serial) { t_serial = true; }
SerialScope::~SerialScope() { t_serial = was_serial_; }

int ItemThreads() { return t_serial ? 1 : IntraOpThreads(); }

void ParallelItems(int64_t n, int threads, const std::function<void(int64_t)>& fn) {
  if (n <= 0) return;
  std::atomic<int64_t> next{0}, first_failed{n};
  std::exception_ptr error;
  std::mutex error_mu;
  auto work = [&] {
    SerialScope serial;
    for (;;) {
      const int64_t i = next.fetch_add(1);
      if (i >= n || i > first_failed.load()) return;
      try {
        fn(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mu);
        if (i < first_failed.load()) {
          error = std::current_exception();
          first_failed.store(i);
        }
      }
    }
  };
  const int64_t extra = std::min<int64_t>(std::max(1, threads), n) - 1;
  std::vector<std::thread> workers;
  for (int64_t t = 0; t < extra; ++t) workers.emplace_back(work);
  work();
  for (auto& t : workers) t.join();
  if (error) std::rethrow_exception(error);
}

void SetIntraOpThreads(int threads) {
  threads = std::max(1, threads);
  if (threads == g_threads.load()) return;
  GlobalPool().Resize(threads - 1);
  g_threads.store(threads);
}

int IntraOpThreads() { return g_threads.load(); }

int HardwareThreads() { return std::max(1u, std::thread::hardware_concurrency()); }

void ParallelFor(int64_t n, int64_t min_chunk, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  const int64_t threads = t_serial ? 1 : IntraOpThreads();
  const int64_t chunks = std::min<int64_t>(threads, std::max<int64_t>(1, n / std::max<int64_t>(1, min_chunk)));
  if (chunks <= 1) {
    fn(0, n);
    return;
  }
  GlobalPool().Run(static_cast<int>(chunks), [&](int c) {
    const int64_t begin = n * c / chunks, end = n * (c + 1) / chunks;
    if (begin < end) fn(begin, end);
  });
}

}  // namespace tfd
