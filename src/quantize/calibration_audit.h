#pragma once
// The calibration audit: checks on the calibration samples themselves,
// before any range is taken from them. The set that ruins a quantized model
// most often is noise (`np.random.rand(...)` as representative data):
// natural images have strongly correlated neighbouring pixels, noise has
// none. Duplicated samples are counted too.
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "graph/model.h"
#include "quantize/calibration.h"

namespace tfd::quantize {

// Below this mean correlation of horizontally neighbouring values an
// image-like input is called noise. Photos resized to 32..224 pixels stay
// far above it; uniform or Gaussian noise sits near 0.
inline constexpr double kNoiseCorrelation = 0.3;

// Under this many samples the activation ranges rest on too little data
// (the converter's documentation asks for about 100 to 500).
inline constexpr size_t kFewSamples = 20;

// Values reaching this share of the declared range's width beyond it, or
// covering less than kCoveredShare of it, are called outside it.
inline constexpr double kBeyondShare = 0.02;
inline constexpr double kCoveredShare = 0.6;

struct CalibrationAudit {
  bool image_input = false;          // input 0 is [N,]H,W[,C] with H, W >= 2
  double neighbour_correlation = 0;  // mean Pearson correlation of x[h][w] with x[h][w+1], per channel and sample
  bool looks_like_noise = false;
  size_t samples = 0;
  size_t duplicates = 0;             // samples identical to an earlier one
  // Input 0's values against the range the model declares (its metadata's
  // normalization; unset when it declares none).
  std::optional<std::pair<float, float>> declared_range;
  float value_min = 0, value_max = 0;  // over every float sample of input 0
  bool outside_declared = false;       // values beyond, or covering little of, the declared range
  bool too_few_samples = false;        // fewer than kFewSamples
  std::vector<std::string> findings; // one sentence each
};

// `declared`: the input range the model declares, if any.
CalibrationAudit AuditCalibration(const Model& model, const std::vector<CalibrationSample>& samples,
                                  std::optional<std::pair<float, float>> declared = std::nullopt);

}  // namespace tfd::quantize
