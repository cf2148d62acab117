#pragma once
// Calibration: run the float model over a set of inputs and record, for
// every activation tensor of the main subgraph, the statistics the range
// methods need (min/max, and a histogram for percentile and MSE clipping).
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "data/preprocess.h"
#include "graph/model.h"

namespace tfd::quantize {

// One calibration sample: one tensor per model input, in input order.
using CalibrationSample = std::vector<TensorData>;

// Calibration samples one at a time: `for_each` calls its visitor on each
// sample in order, and gives the same samples every time it is called (a
// pass per statistic), so that a source streamed from disk holds one
// sample at a time whatever their number.
using SampleVisitor = std::function<void(const CalibrationSample&)>;
struct SampleFeed {
  size_t size = 0;
  std::function<void(const SampleVisitor&)> for_each;
  // Sample s alone (the one for_each gives s-th), to the visitor; safe to
  // call from several threads at once. What lets samples be decoded and
  // run on several threads; a feed without it is read on one thread.
  std::function<void(size_t, const SampleVisitor&)> visit_one;
};
// A feed over samples held in memory (which must outlive it).
SampleFeed InMemoryFeed(const std::vector<CalibrationSample>& samples);

// How ProcessSamples spreads a feed: over `threads` threads (this one
// included), the results of at most `slots` samples waiting to be folded.
struct SamplePlan {
  int threads = 1;
  size_t slots = 1;
};
// `threads` 0: ItemThreads() (every core in the dataset commands, 1 inside
// a worker already running items beside others). One thread for a feed
// without visit_one, or a single sample.
SamplePlan PlanSamples(const SampleFeed& feed, int threads);

// Calls work(s, sample, worker) for every sample s of `feed`, on the
// plan's threads (`worker` in [0, plan.threads) names the calling thread,
// for its own interpreter and scratch), then fold(s) for s = 0, 1, ... in
// order, one at a time, each after work(s) returned. work(s) keeps its
// result in slot s % plan.slots, which fold(s) reads: a sample's result
// waits at most plan.slots samples for its fold, and only the samples
// being worked on are held, whatever the feed's size. Whatever the thread
// count, the same folds run in the same order: results that fold
// per-sample parts in order (floating sums) do not depend on it. If
// samples throw (in work or in the feed), the lowest one's exception is
// rethrown, the one one thread would have met.
void ProcessSamples(const SampleFeed& feed, const SamplePlan& plan,
                    const std::function<void(size_t, const CalibrationSample&, int)>& work,
                    const std::function<void(size_t)>& fold);

inline constexpr int kHistogramBins = 2048;

struct TensorStatistics {
  bool seen = false;
  float min = std::numeric_limits<float>::infinity();
  float max = -std::numeric_limits<float>::infinity();
  uint64_t count = 0;
  // Mean and standard deviation of every value seen (the calibration
  // audit's comparison with held-out data).
  double mean = 0, stddev = 0;
  // Counts over [min, max] in kHistogramBins equal bins (empty unless asked for).
  std::vector<uint64_t> histogram;
  // Counts of |x| over [0, max(|min|, |max|)] in kHistogramBins equal bins,
  // filled with `histogram`: what entropy calibration (TensorRT's) reads.
  std::vector<uint64_t> abs_histogram;
  // Mean of the values at each index of the last dimension (the channel of
  // an NHWC activation, the feature of a FULLY_CONNECTED input), over every
  // other position and sample: what bias correction weighs weight errors by.
  std::vector<double> channel_mean;
  // Max of the values at each index of the last dimension: where a ReLU6
  // output channel reached its clip (cross-layer equalization's bound).
  std::vector<float> channel_max;
};

struct Calibration {
  std::vector<TensorStatistics> tensors;  // indexed like the main subgraph's tensors
  size_t samples = 0;
  // Each sample's own range of each tensor, sample_min[t][s] and
  // sample_max[t][s] (empty for tensors never seen): how the ranges grow
  // with the number of samples (the audit's "too few samples").
  std::vector<std::vector<float>> sample_min, sample_max;
};

struct CalibrationOptions {
  // A second pass over the samples fills the histograms (percentile, MSE,
  // entropy).
  bool histograms = false;
  // Threads the samples are spread over (0: ItemThreads()). The statistics
  // are the same, bit for bit, for every count.
  int threads = 0;
};

// Runs `model` (float activations) on every sample. tfd::Error naming the
// sample when one does not fit the model's inputs, or when a sample yields
// a non-finite activation.
Calibration Calibrate(const Model& model, const SampleFeed& samples, const CalibrationOptions& options = {});
Calibration Calibrate(const Model& model, const std::vector<CalibrationSample>& samples,
                      const CalibrationOptions& options = {});

}  // namespace tfd::quantize
