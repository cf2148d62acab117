#pragma once
// The calibration audit: checks on the calibration samples themselves,
// before any range is taken from them. The set that ruins a quantized model
// most often is noise (`np.random.rand(...)` as representative data):
// natural images have strongly correlated neighbouring pixels, noise has
// none. Duplicated samples are counted too.
#include <cstddef>
#include <string>
#include <vector>

#include "graph/model.h"
#include "quantize/calibration.h"

namespace tfd::quantize {

// Below this mean correlation of horizontally neighbouring values an
// image-like input is called noise. Photos resized to 32..224 pixels stay
// far above it; uniform or Gaussian noise sits near 0.
inline constexpr double kNoiseCorrelation = 0.3;

struct CalibrationAudit {
  bool image_input = false;          // input 0 is [N,]H,W[,C] with H, W >= 2
  double neighbour_correlation = 0;  // mean Pearson correlation of x[h][w] with x[h][w+1], per channel and sample
  bool looks_like_noise = false;
  size_t samples = 0;
  size_t duplicates = 0;             // samples identical to an earlier one
  std::vector<std::string> findings; // one sentence each
};

CalibrationAudit AuditCalibration(const Model& model, const std::vector<CalibrationSample>& samples);

}  // namespace tfd::quantize
