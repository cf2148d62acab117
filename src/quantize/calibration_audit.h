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
  // Fewer than kFewSamples; once AuditRangeSettling has measured them,
  // whether the ranges are still moving.
  bool too_few_samples = false;
  // Activation ranges against the number of samples (AuditRangeSettling):
  // how many samples pin every tensor's typical range (the mean of each
  // sample's min and max) within kSettledShare of its width at 95%, and
  // whether more than were given ("still moving").
  bool settling_checked = false;
  size_t samples_needed = 0;
  bool ranges_still_moving = false;
  std::string slowest_tensor;  // the tensor needing most samples
  double range_margin = 0;     // its 95% margin with the samples given, as a share of its width
  // The float model's activations on the calibration set against those on
  // the held-out data (AuditAgainstHeldOut): per tensor, the 2-Wasserstein
  // distance between normal fits of the two sets' values, in standard
  // deviations of the held-out values.
  bool held_out_checked = false;
  double held_out_distance = 0;  // the worst tensor's
  std::string held_out_tensor;   // which
  double output_distance = 0;    // output 0's
  bool far_from_held_out = false;
  std::vector<std::string> findings; // one sentence each
};

// `declared`: the input range the model declares, if any.
CalibrationAudit AuditCalibration(const Model& model, const SampleFeed& samples,
                                  std::optional<std::pair<float, float>> declared = std::nullopt);
CalibrationAudit AuditCalibration(const Model& model, const std::vector<CalibrationSample>& samples,
                                  std::optional<std::pair<float, float>> declared = std::nullopt);

// A tensor's range has settled when its 95% margin is within this share of
// its width.
inline constexpr double kSettledShare = 0.1;

// Too few samples: how many samples the activation ranges of `cal` (taken
// on `model`) need to settle on every tensor whose range calibration sets
// (SOFTMAX, LOGISTIC and TANH outputs have fixed parameters); "still
// moving" when that is more than the samples given. Adds a finding then.
void AuditRangeSettling(const Model& model, const Calibration& cal, CalibrationAudit* audit);

// Above this distance (held-out standard deviations) a tensor's values on
// the calibration set are called far from those on the held-out data.
// Measured, worst tensor, against the even rows of imagenet-sample: the odd
// rows 0.06 (VWW, MobileNet v1 0.25), uniform noise 1.09 (VWW) and 0.88
// (MobileNet).
inline constexpr double kFarFromHeldOut = 0.5;

// The calibration set against held-out data (`--data`): the same model's
// activations on each. Adds a finding naming the worst tensor when far.
void AuditAgainstHeldOut(const Model& model, const Calibration& cal, const Calibration& held_out,
                         CalibrationAudit* audit);

}  // namespace tfd::quantize
