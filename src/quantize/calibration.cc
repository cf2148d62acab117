// Calibration observes every float tensor the interpreter produces (graph
// inputs included) through its observer hook; arena reuse does not matter as
// the statistics are updated during the call.
//
// Samples are spread over threads, each with its own interpreter. What a
// sample contributes (its range, count, sum of squares, per-channel sums and
// maxima) is computed for that sample alone and folded into the totals in
// sample order, with one thread as with many: the floating sums are the same
// additions in the same order, so the statistics do not depend on the
// thread count. Histogram counts are integers, added up per thread and then
// over threads.
#include "quantize/calibration.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>

#include "interpreter/interpreter.h"
#include "util/error.h"
#include "util/thread_pool.h"

namespace tfd::quantize {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// One interpreter of `model` per worker thread, made when first needed, its
// observer sending each tensor to `observe` with the worker's index.
class Runners {
 public:
  using Observe = std::function<void(int worker, const RuntimeTensor&, int tensor_index)>;
  Runners(const Model& model, int workers, Observe observe)
      : model_(model), interps_(static_cast<size_t>(workers)), observe_(std::move(observe)) {}

  // Runs sample s on worker `worker`'s interpreter; errors name the sample.
  void Run(int worker, size_t s, const CalibrationSample& sample) {
    std::unique_ptr<Interpreter>& interp = interps_[static_cast<size_t>(worker)];
    if (!interp) {
      interp = std::make_unique<Interpreter>(model_);
      interp->AllocateTensors();
      interp->SetObserver([this, worker](int subgraph, int, int tensor_index, const RuntimeTensor& t) {
        if (subgraph == 0 && t.dtype == DType::FLOAT32) observe_(worker, t, tensor_index);
      });
    }
    if (sample.size() != interp->num_inputs())
      Fail("calibration sample {} has {} tensors; the model has {} inputs", s, sample.size(), interp->num_inputs());
    try {
      for (size_t i = 0; i < sample.size(); ++i)
        interp->SetInput(i, sample[i].dtype, sample[i].shape, sample[i].bytes.data(), sample[i].bytes.size());
      interp->ResetVariables();
      interp->Invoke();
    } catch (const Error& e) {
      Fail("calibration sample {}: {}", s, e.what());
    }
  }

 private:
  const Model& model_;
  std::vector<std::unique_ptr<Interpreter>> interps_;
  Observe observe_;
};

// What one sample contributes to one tensor's statistics.
struct TensorPart {
  bool observed = false;
  float min = kInf, max = -kInf;
  uint64_t count = 0;
  double squares = 0;
  std::vector<double> channel_sum;
  std::vector<float> channel_max;
};

// Accumulates a tensor's values of one sample into `part`; tfd::Error on a
// non-finite value.
void Observe(const RuntimeTensor& t, TensorPart& part) {
  const float* v = t.As<float>();
  const int64_t n = t.NumElements();
  float lo = kInf, hi = -kInf;
  double squares = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(v[i]))
      Fail("calibration: tensor '{}' holds a non-finite value ({}); its range cannot be quantized", t.name(), v[i]);
    lo = std::min(lo, v[i]);
    hi = std::max(hi, v[i]);
    squares += static_cast<double>(v[i]) * v[i];
  }
  if (!part.observed) {  // the first time in this sample (the vectors keep their memory)
    part.observed = true;
    part.min = kInf, part.max = -kInf;
    part.count = 0;
    part.squares = 0;
    part.channel_sum.clear();
  }
  part.min = std::min(part.min, lo);
  part.max = std::max(part.max, hi);
  part.count += static_cast<uint64_t>(n);
  part.squares += squares;
  const size_t channels = t.shape.empty() || t.shape.back() <= 0 ? 1 : static_cast<size_t>(t.shape.back());
  if (part.channel_sum.size() != channels) {
    part.channel_sum.assign(channels, 0.0);
    part.channel_max.assign(channels, -kInf);
  }
  for (int64_t i = 0; i < n; ++i) {
    const size_t c = static_cast<size_t>(i) % channels;
    part.channel_sum[c] += v[i];
    part.channel_max[c] = std::max(part.channel_max[c], v[i]);
  }
}

}  // namespace

SampleFeed InMemoryFeed(const std::vector<CalibrationSample>& samples) {
  const std::vector<CalibrationSample>* held = &samples;
  return {samples.size(),
          [held](const SampleVisitor& visit) {
            for (const CalibrationSample& s : *held) visit(s);
          },
          [held](size_t s, const SampleVisitor& visit) { visit((*held)[s]); }};
}

SamplePlan PlanSamples(const SampleFeed& feed, int threads) {
  if (threads <= 0) threads = ItemThreads();
  SamplePlan plan;
  if (feed.visit_one && feed.size > 1) plan.threads = static_cast<int>(std::min<size_t>(threads, feed.size));
  plan.slots = 2 * static_cast<size_t>(plan.threads);
  return plan;
}

void ProcessSamples(const SampleFeed& feed, const SamplePlan& plan,
                    const std::function<void(size_t, const CalibrationSample&, int)>& work,
                    const std::function<void(size_t)>& fold) {
  const size_t n = feed.size;
  if (plan.threads <= 1) {
    size_t s = 0;
    feed.for_each([&](const CalibrationSample& sample) {
      if (s >= n) Fail("calibration: the sample source gave more than {} samples", n);
      work(s, sample, 0);
      fold(s);
      ++s;
    });
    if (s != n) Fail("calibration: the sample source gave {} samples, expected {}", s, n);
    return;
  }
  // Workers take samples in increasing order, at most `slots` past the
  // next one to fold; whoever finishes the next one to fold folds it and
  // every finished one after it.
  const size_t slots = plan.slots;
  std::mutex mu;
  std::condition_variable cv;
  size_t next = 0, folded = 0, failed = n;
  std::vector<char> done(slots, 0);
  std::exception_ptr error;
  auto run = [&](int worker) {
    SerialScope serial;
    for (;;) {
      size_t s;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return next >= n || failed < n || next < folded + slots; });
        if (next >= n || failed < n) return;
        s = next++;
      }
      try {
        feed.visit_one(s, [&](const CalibrationSample& sample) { work(s, sample, worker); });
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (s < failed) failed = s, error = std::current_exception();
        cv.notify_all();
        continue;
      }
      std::lock_guard<std::mutex> lock(mu);
      done[s % slots] = 1;
      try {
        while (folded < n && folded < failed && done[folded % slots]) {
          done[folded % slots] = 0;
          fold(folded);
          ++folded;
        }
      } catch (...) {
        if (folded < failed) failed = folded, error = std::current_exception();
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < plan.threads; ++t) threads.emplace_back(run, t);
  run(0);
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
}

Calibration Calibrate(const Model& model, const std::vector<CalibrationSample>& samples,
                      const CalibrationOptions& options) {
  return Calibrate(model, InMemoryFeed(samples), options);
}

Calibration Calibrate(const Model& model, const SampleFeed& samples, const CalibrationOptions& options) {
  if (samples.size == 0) Fail("calibration needs at least one sample");
  Calibration cal;
  cal.samples = samples.size;
  const size_t num_tensors = model.main().tensors.size();
  cal.tensors.resize(num_tensors);
  cal.sample_min.resize(num_tensors);
  cal.sample_max.resize(num_tensors);
  std::vector<double> sum_squares(num_tensors, 0.0);
  const SamplePlan plan = PlanSamples(samples, options.threads);

  // First pass: each sample's parts, in its slot, folded in sample order.
  std::vector<std::vector<TensorPart>> slots(plan.slots, std::vector<TensorPart>(num_tensors));
  std::vector<std::vector<TensorPart>*> running(static_cast<size_t>(plan.threads), nullptr);
  Runners ranges(model, plan.threads, [&](int worker, const RuntimeTensor& t, int tensor_index) {
    Observe(t, (*running[static_cast<size_t>(worker)])[static_cast<size_t>(tensor_index)]);
  });
  ProcessSamples(
      samples, plan,
      [&](size_t s, const CalibrationSample& sample, int worker) {
        std::vector<TensorPart>& parts = slots[s % plan.slots];
        for (TensorPart& p : parts) p.observed = false;
        running[static_cast<size_t>(worker)] = &parts;
        ranges.Run(worker, s, sample);
      },
      [&](size_t s) {
        std::vector<TensorPart>& parts = slots[s % plan.slots];
        for (size_t ti = 0; ti < num_tensors; ++ti) {
          const TensorPart& p = parts[ti];
          if (!p.observed) continue;
          TensorStatistics& st = cal.tensors[ti];
          if (p.count > 0 && cal.sample_min[ti].empty()) {
            cal.sample_min[ti].assign(samples.size, kInf);
            cal.sample_max[ti].assign(samples.size, -kInf);
          }
          st.min = std::min(st.min, p.min);
          st.max = std::max(st.max, p.max);
          if (p.count > 0) {
            cal.sample_min[ti][s] = p.min;
            cal.sample_max[ti][s] = p.max;
          }
          st.seen = st.seen || p.count > 0;
          st.count += p.count;
          sum_squares[ti] += p.squares;
          // Running sums first; divided into means once every sample is in.
          if (st.channel_mean.size() != p.channel_sum.size()) {
            st.channel_mean.assign(p.channel_sum.size(), 0.0);
            st.channel_max.assign(p.channel_sum.size(), -kInf);
          }
          for (size_t c = 0; c < p.channel_sum.size(); ++c) {
            st.channel_mean[c] += p.channel_sum[c];
            st.channel_max[c] = std::max(st.channel_max[c], p.channel_max[c]);
          }
        }
      });
  slots.clear();
  for (size_t ti = 0; ti < num_tensors; ++ti) {
    TensorStatistics& st = cal.tensors[ti];
    if (!st.seen || st.channel_mean.empty()) continue;
    double sum = 0;
    for (double m : st.channel_mean) sum += m;
    const double count = static_cast<double>(st.count);
    st.mean = sum / count;
    st.stddev = std::sqrt(std::max(0.0, sum_squares[ti] / count - st.mean * st.mean));
    const double per_channel = count / static_cast<double>(st.channel_mean.size());
    for (auto& m : st.channel_mean) m /= per_channel;
  }
  if (!options.histograms) return cal;

  // Second pass: counts per worker over the ranges now known, then summed.
  struct Counts {
    std::vector<std::vector<uint64_t>> histogram, abs_histogram;
  };
  std::vector<Counts> counts(static_cast<size_t>(plan.threads));
  for (Counts& c : counts) c.histogram.resize(num_tensors), c.abs_histogram.resize(num_tensors);
  Runners histograms(model, plan.threads, [&](int worker, const RuntimeTensor& t, int tensor_index) {
    const size_t ti = static_cast<size_t>(tensor_index);
    const TensorStatistics& st = cal.tensors[ti];
    if (!st.seen) return;
    Counts& mine = counts[static_cast<size_t>(worker)];
    std::vector<uint64_t>& histogram = mine.histogram[ti];
    std::vector<uint64_t>& abs_histogram = mine.abs_histogram[ti];
    if (histogram.empty()) histogram.assign(kHistogramBins, 0), abs_histogram.assign(kHistogramBins, 0);
    const double width = static_cast<double>(st.max) - st.min;
    const double abs_max = std::max(std::fabs(static_cast<double>(st.min)), std::fabs(static_cast<double>(st.max)));
    const float* v = t.As<float>();
    for (int64_t i = 0; i < t.NumElements(); ++i) {
      int bin = width > 0 ? static_cast<int>((v[i] - st.min) / width * kHistogramBins) : 0;
      ++histogram[static_cast<size_t>(std::clamp(bin, 0, kHistogramBins - 1))];
      int abs_bin = abs_max > 0 ? static_cast<int>(std::fabs(static_cast<double>(v[i])) / abs_max * kHistogramBins) : 0;
      ++abs_histogram[static_cast<size_t>(std::min(abs_bin, kHistogramBins - 1))];
    }
  });
  ProcessSamples(
      samples, plan,
      [&](size_t s, const CalibrationSample& sample, int worker) { histograms.Run(worker, s, sample); },
      [](size_t) {});
  for (size_t ti = 0; ti < num_tensors; ++ti) {
    TensorStatistics& st = cal.tensors[ti];
    if (!st.seen) continue;
    st.histogram.assign(kHistogramBins, 0);
    st.abs_histogram.assign(kHistogramBins, 0);
    for (const Counts& c : counts) {
      if (c.histogram[ti].empty()) continue;
      for (int b = 0; b < kHistogramBins; ++b) {
        st.histogram[static_cast<size_t>(b)] += c.histogram[ti][static_cast<size_t>(b)];
        st.abs_histogram[static_cast<size_t>(b)] += c.abs_histogram[ti][static_cast<size_t>(b)];
      }
    }
  }
  return cal;
}

}  // namespace tfd::quantize
