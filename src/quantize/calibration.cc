// Calibration observes every float tensor the interpreter produces (graph
// inputs included) through its observer hook; arena reuse does not matter as
// the statistics are updated during the call.
#include "quantize/calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "interpreter/interpreter.h"
#include "util/error.h"

namespace tfd::quantize {
namespace {

// `current` (when given) holds the index of the sample being run.
void RunAll(const Model& model, const SampleFeed& samples, const TensorObserver& observer, size_t* current = nullptr) {
  Interpreter interp(model);
  interp.AllocateTensors();
  interp.SetObserver(observer);
  size_t s = 0;
  samples.for_each([&](const CalibrationSample& sample) {
    if (current) *current = s;
    if (sample.size() != interp.num_inputs())
      Fail("calibration sample {} has {} tensors; the model has {} inputs", s, sample.size(), interp.num_inputs());
    try {
      for (size_t i = 0; i < sample.size(); ++i)
        interp.SetInput(i, sample[i].dtype, sample[i].shape, sample[i].bytes.data(), sample[i].bytes.size());
      interp.ResetVariables();
      interp.Invoke();
    } catch (const Error& e) {
      Fail("calibration sample {}: {}", s, e.what());
    }
    ++s;
  });
  if (s != samples.size) Fail("calibration: the sample source gave {} samples, expected {}", s, samples.size);
}

}  // namespace

SampleFeed InMemoryFeed(const std::vector<CalibrationSample>& samples) {
  const std::vector<CalibrationSample>* held = &samples;
  return {samples.size(), [held](const SampleVisitor& visit) {
            for (const CalibrationSample& s : *held) visit(s);
          }};
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
  size_t current = 0;
  RunAll(model, samples, [&](int subgraph, int, int tensor_index, const RuntimeTensor& t) {
    if (subgraph != 0 || t.dtype != DType::FLOAT32) return;
    const size_t ti = static_cast<size_t>(tensor_index);
    TensorStatistics& st = cal.tensors[ti];
    const float* v = t.As<float>();
    const int64_t n = t.NumElements();
    if (n > 0 && cal.sample_min[ti].empty()) {
      cal.sample_min[ti].assign(samples.size, std::numeric_limits<float>::infinity());
      cal.sample_max[ti].assign(samples.size, -std::numeric_limits<float>::infinity());
    }
    float sample_min = std::numeric_limits<float>::infinity(), sample_max = -sample_min;
    double squares = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (!std::isfinite(v[i]))
        Fail("calibration: tensor '{}' holds a non-finite value ({}); its range cannot be quantized", t.name(), v[i]);
      sample_min = std::min(sample_min, v[i]);
      sample_max = std::max(sample_max, v[i]);
      squares += static_cast<double>(v[i]) * v[i];
    }
    sum_squares[ti] += squares;
    st.min = std::min(st.min, sample_min);
    st.max = std::max(st.max, sample_max);
    if (n > 0) {
      cal.sample_min[ti][current] = std::min(cal.sample_min[ti][current], sample_min);
      cal.sample_max[ti][current] = std::max(cal.sample_max[ti][current], sample_max);
    }
    st.seen = st.seen || n > 0;
    st.count += static_cast<uint64_t>(n);
    // Running sums first; divided into means once every sample is in.
    const size_t channels = t.shape.empty() || t.shape.back() <= 0 ? 1 : static_cast<size_t>(t.shape.back());
    if (st.channel_mean.size() != channels) st.channel_mean.assign(channels, 0.0);
    if (st.channel_max.size() != channels) st.channel_max.assign(channels, -std::numeric_limits<float>::infinity());
    for (int64_t i = 0; i < n; ++i) {
      const size_t c = static_cast<size_t>(i) % channels;
      st.channel_mean[c] += v[i];
      st.channel_max[c] = std::max(st.channel_max[c], v[i]);
    }
  }, &current);
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
  for (auto& st : cal.tensors)
    if (st.seen) st.histogram.assign(kHistogramBins, 0), st.abs_histogram.assign(kHistogramBins, 0);
  RunAll(model, samples, [&](int subgraph, int, int tensor_index, const RuntimeTensor& t) {
    if (subgraph != 0 || t.dtype != DType::FLOAT32) return;
    TensorStatistics& st = cal.tensors[static_cast<size_t>(tensor_index)];
    if (st.histogram.empty()) return;
    const double width = static_cast<double>(st.max) - st.min;
    const double abs_max = std::max(std::fabs(static_cast<double>(st.min)), std::fabs(static_cast<double>(st.max)));
    const float* v = t.As<float>();
    for (int64_t i = 0; i < t.NumElements(); ++i) {
      int bin = width > 0 ? static_cast<int>((v[i] - st.min) / width * kHistogramBins) : 0;
      ++st.histogram[static_cast<size_t>(std::clamp(bin, 0, kHistogramBins - 1))];
      int abs_bin = abs_max > 0 ? static_cast<int>(std::fabs(static_cast<double>(v[i])) / abs_max * kHistogramBins) : 0;
      ++st.abs_histogram[static_cast<size_t>(std::min(abs_bin, kHistogramBins - 1))];
    }
  });
  return cal;
}

}  // namespace tfd::quantize
