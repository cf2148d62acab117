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
};
// A feed over samples held in memory (which must outlive it).
SampleFeed InMemoryFeed(const std::vector<CalibrationSample>& samples);

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
};

// Runs `model` (float activations) on every sample. tfd::Error naming the
// sample when one does not fit the model's inputs, or when a sample yields
// a non-finite activation.
Calibration Calibrate(const Model& model, const SampleFeed& samples, const CalibrationOptions& options = {});
Calibration Calibrate(const Model& model, const std::vector<CalibrationSample>& samples,
                      const CalibrationOptions& options = {});

}  // namespace tfd::quantize
