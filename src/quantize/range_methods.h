#pragma once
// Range methods: from a tensor's calibration statistics to the real range
// [lo, hi] its 8-bit integers will cover, and from a range to affine
// parameters as TFLite's quantization spec defines them.
#include <cstdint>
#include <string>
#include <utility>

#include "quantize/calibration.h"

namespace tfd::quantize {

enum class RangeMethodKind { kMinMax, kPercentile, kMse, kEntropy };

struct RangeMethod {
  RangeMethodKind kind = RangeMethodKind::kMinMax;
  double percentile = 99.99;  // kPercentile: the share of values kept inside, per side
  bool needs_histogram() const { return kind != RangeMethodKind::kMinMax; }
};

// "minmax", "percentile:P" (50 < P <= 100), "mse", "entropy". tfd::Error naming the
// text otherwise.
RangeMethod ParseRangeMethod(const std::string& text);
std::string RangeMethodName(const RangeMethod& m);

// The range to quantize to. minmax: what calibration saw. percentile:P:
// the P-th and (100-P)-th percentiles of the values. mse: the range (min
// and max shrunk by one factor) whose expected squared error (clipping plus
// rounding at 8 bits) over the histogram is least. entropy: TensorRT's
// entropy calibration, the threshold T on |x| whose clipped and quantized
// histogram keeps the least KL divergence from the data's, as [max(min, -T),
// min(max, T)].
std::pair<float, float> ChooseRange(const TensorStatistics& stats, const RangeMethod& method);

struct AffineParams {
  float scale = 1.0f;
  int32_t zero_point = 0;
};

// Asymmetric parameters over [qmin, qmax] for a range widened to hold 0 (so
// that zero is exact, as padding and ReLU need): scale = (hi - lo) /
// (qmax - qmin), zero_point = qmin - lo / scale rounded and clamped. A range
// of zero width gets a tiny positive scale.
AffineParams AsymmetricParams(float lo, float hi, int qmin, int qmax);

}  // namespace tfd::quantize
